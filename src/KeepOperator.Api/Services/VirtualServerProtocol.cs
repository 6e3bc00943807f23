using System.Text.Json.Serialization;

namespace KeepOperator.Api.Services;

/// <summary>The transport a virtual server balances; written as in a VirtualServer's spec.protocol.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VirtualServerProtocol>))]
public enum VirtualServerProtocol
{
    [JsonStringEnumMemberName("TCP")]
    Tcp,

    [JsonStringEnumMemberName("UDP")]
    Udp,

    [JsonStringEnumMemberName("SCTP")]
    Sctp,
}
