namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>Why a received packet was not handed to a VRRP instance; each is counted.</summary>
public enum VrrpDropReason
{
    None,
    TooShort,
    Ttl,
    Version,
    Type,
    Length,
    Checksum,
    AuthType,
    AuthMismatch,
    IntervalMismatch,
    AddressFamily,
    UnknownVirtualRouter,

    /// <summary>Unicast mode: the source is not one of the configured peers (keepalived's check_unicast_src).</summary>
    UnknownUnicastPeer,
}
