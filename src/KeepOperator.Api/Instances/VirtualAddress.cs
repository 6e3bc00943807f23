using System.Net;
using System.Text.Json.Serialization;

namespace KeepOperator.Api.Instances;

/// <summary>A virtual address with its prefix length (/32 or /128 when the spec gave none); "10.0.0.5/24" on the wire.</summary>
[JsonConverter(typeof(VirtualAddressJsonConverter))]
public sealed record VirtualAddress(IPAddress Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}
