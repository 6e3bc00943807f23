using System.Text.Json.Serialization;

namespace KeepOperator.Api.Instances;

/// <summary>What a tracked check probes; <c>"type": "tcp"</c> or <c>"http"</c> on the wire.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TcpTrackTarget), "tcp")]
[JsonDerivedType(typeof(HttpTrackTarget), "http")]
public abstract record TrackTarget;

/// <summary>A TCP connect to <paramref name="Host"/>:<paramref name="Port"/> succeeds.</summary>
public sealed record TcpTrackTarget(string Host, int Port) : TrackTarget;

/// <summary>An HTTP GET of <paramref name="Url"/> answers with a status in <paramref name="ExpectedStatus"/>.</summary>
public sealed record HttpTrackTarget(Uri Url, HttpStatusRanges ExpectedStatus) : TrackTarget;
