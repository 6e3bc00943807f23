namespace KeepOperator.Api.Instances;

/// <summary>VRRP protocol version on the wire: 2 is RFC 3768 (IPv4 only), 3 is RFC 5798.</summary>
public enum VrrpVersion : byte
{
    V2 = 2,
    V3 = 3,
}
