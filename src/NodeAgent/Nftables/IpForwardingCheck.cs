using System.Net.Sockets;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Nftables;

/// <summary>
/// NAT virtual servers route packets between client and real server through the director, which
/// the kernel only does with IP forwarding on; this says so in plain words instead of a silent blackhole.
/// </summary>
public static class IpForwardingCheck
{
    public const string Ipv4Setting = "sys/net/ipv4/ip_forward";
    public const string Ipv6Setting = "sys/net/ipv6/conf/all/forwarding";

    /// <summary>Reads the forwarding switches under <paramref name="procRoot"/> and explains which virtual servers they break.</summary>
    /// <remarks>A missing IPv6 switch means IPv6 is disabled, which breaks IPv6 virtual servers as surely.</remarks>
    public static IReadOnlyList<string> Check(IEnumerable<LoadBalancedService> desired, string procRoot = "/proc")
    {
        return Explain(desired, IsOn(Path.Combine(procRoot, Ipv4Setting)), IsOn(Path.Combine(procRoot, Ipv6Setting)));
    }

    /// <summary>One message per address family whose forwarding is off while a virtual server of it has real servers.</summary>
    public static IReadOnlyList<string> Explain(IEnumerable<LoadBalancedService> desired, bool ipv4Forwarding, bool ipv6Forwarding)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var messages = new List<string>();
        var forwarded = desired.Where(v => v.Destinations.Count > 0).ToList();
        Add(messages, forwarded, AddressFamily.InterNetwork, ipv4Forwarding, "IPv4", "net.ipv4.ip_forward");
        Add(messages, forwarded, AddressFamily.InterNetworkV6, ipv6Forwarding, "IPv6", "net.ipv6.conf.all.forwarding");
        return messages;
    }

    private static void Add(List<string> messages, List<LoadBalancedService> forwarded, AddressFamily family, bool on, string name, string sysctl)
    {
        if (on)
        {
            return; // before naming 10,000 services for nothing on every update
        }

        var broken = forwarded.Where(v => v.Key.Family == family).Select(v => v.Key.ToString()).ToList();
        if (broken.Count > 0)
        {
            messages.Add($"{name} forwarding is off ({sysctl} is not 1), so the NAT virtual servers {string.Join(", ", broken)} cannot reach their real servers; set {sysctl}=1.");
        }
    }

    private static bool IsOn(string path) => File.Exists(path) && File.ReadAllText(path).Trim() == "1";
}
