namespace KeepOperator.Api.Services;

/// <summary>The HTTP part of a real-server check (keepalived's HTTP_GET), defaults applied.</summary>
/// <param name="BodyRegex">A .NET regular expression the body must match, or null.</param>
public sealed record HttpCheckSettings(string Path, HttpStatusRanges ExpectedStatus, string? BodyRegex);
