using System.Net;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Config;

/// <summary>A virtual address with its prefix length (/32 or /128 when the spec gave none).</summary>
public sealed record VirtualAddress(IPAddress Address, int PrefixLength)
{
    public override string ToString() => $"{Address}/{PrefixLength}";
}

/// <summary>Gratuitous ARP / unsolicited NA on becoming master.</summary>
/// <param name="Repeat">Messages per burst (0: none).</param>
/// <param name="Delay">A second burst this long after the first; zero: no second burst.</param>
/// <param name="RefreshInterval">Repeat a burst this often while master; zero: off.</param>
public sealed record GratuitousArpSettings(int Repeat, TimeSpan Delay, TimeSpan RefreshInterval)
{
    /// <summary>keepalived's defaults: 5 messages, a second burst after 5s, no refresh.</summary>
    public static GratuitousArpSettings Default { get; } = new(
        VirtualIpDefaults.GratuitousArpRepeat,
        GoDuration.Parse(VirtualIpDefaults.GratuitousArpDelay),
        TimeSpan.Zero);
}

/// <summary>What a tracked check probes.</summary>
public abstract record TrackTarget;

/// <summary>A TCP connect to <paramref name="Host"/>:<paramref name="Port"/> succeeds.</summary>
public sealed record TcpTrackTarget(string Host, int Port) : TrackTarget;

/// <summary>An HTTP GET of <paramref name="Url"/> answers with a status in <paramref name="ExpectedStatus"/>.</summary>
public sealed record HttpTrackTarget(Uri Url, HttpStatusRanges ExpectedStatus) : TrackTarget;

/// <summary>One tracked check, defaults applied (keepalived's vrrp_script + track_script semantics).</summary>
/// <param name="Weight">Negative: subtracted while failing; positive: added while OK; 0: failing means FAULT.</param>
public sealed record TrackCheckSettings(
    string Name,
    TrackTarget Target,
    int Weight,
    TimeSpan Interval,
    TimeSpan Timeout,
    int Rise,
    int Fall);

/// <summary>Everything one VRRP instance needs on this node, resolved from a <see cref="VirtualIp"/> and the host's addresses.</summary>
/// <param name="Name">metadata.name, or "namespace/name" when the document has a namespace.</param>
/// <param name="Router">Protocol parameters for the state machine; Priority is this node's base priority.</param>
/// <param name="InterfaceName">Interface that sends advertisements and holds the addresses.</param>
/// <param name="InterfaceIndex">Its kernel index.</param>
/// <param name="VirtualAddresses">The VIPs with their prefix lengths, in spec order.</param>
/// <param name="Password">VRRPv2 simple-text password (at most 8 bytes), or null for no authentication.</param>
/// <param name="Track">Checks the agent probes itself (pods checks are left to the operator).</param>
public sealed record VrrpInstanceSettings(
    string Name,
    VrrpRouterConfig Router,
    string InterfaceName,
    int InterfaceIndex,
    IReadOnlyList<VirtualAddress> VirtualAddresses,
    string? Password,
    GratuitousArpSettings GratuitousArp,
    IReadOnlyList<TrackCheckSettings> Track);
