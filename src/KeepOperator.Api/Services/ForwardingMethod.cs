using System.Text.Json.Serialization;

namespace KeepOperator.Api.Services;

/// <summary>How packets reach a real server (keepalived's lb_kind); written as in a VirtualServer's spec.forwarding.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ForwardingMethod>))]
public enum ForwardingMethod
{
    /// <summary>Masquerading: the destination address and port are rewritten.</summary>
    [JsonStringEnumMemberName("NAT")]
    Nat,

    /// <summary>Direct routing: the frame goes to the real server unchanged, which must hold the address itself.</summary>
    [JsonStringEnumMemberName("DR")]
    DirectRoute,

    /// <summary>IP-in-IP tunnelling.</summary>
    [JsonStringEnumMemberName("TUN")]
    Tunnel,
}
