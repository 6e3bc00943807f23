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
}
