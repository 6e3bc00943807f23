namespace KeepOperator.Api.Services;

/// <summary>The HTTP part of a real-server check (keepalived's HTTP_GET, or SSL_GET with <paramref name="Tls"/>), defaults applied.</summary>
/// <param name="BodyRegex">A .NET regular expression the body must match, or null.</param>
/// <param name="Digest">The MD5 digest the body must have, 32 lowercase hex digits, or null.</param>
/// <param name="Tls">HTTPS without verifying the certificate, as keepalived's SSL_GET.</param>
public sealed record HttpCheckSettings(string Path, HttpStatusRanges ExpectedStatus, string? BodyRegex, string? Digest = null, bool Tls = false);
