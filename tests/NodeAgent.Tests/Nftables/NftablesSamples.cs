using System.Net;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Tests.Nftables;

/// <summary>
/// Virtual servers covering every shape the renderer knows: persistent wrr with a netmask and a
/// quiesced server, IPv6 sh-port, a port-less firewall mark with an approximated scheduler, an empty
/// service, and a persistent firewall mark with ports (anonymous slot map).
/// </summary>
public static class NftablesSamples
{
    public static readonly LoadBalancedService Web = new(
        new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.77.7.250"), 80))
        {
            Scheduler = "wrr",
            Flags = ServiceFlags.Persistent,
            PersistenceTimeout = 300,
            NetmaskPrefixLength = 24,
        },
        Nat("10.77.7.11", 8080, 3),
        Nat("10.77.7.12", 0, 1),
        Nat("10.77.7.13", 80, 0));

    public static readonly LoadBalancedService Dns = new(
        new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Udp, IPAddress.Parse("2001:db8::53"), 53))
        {
            Scheduler = "sh",
            Flags = ServiceFlags.Sched2,
        },
        Nat("2001:db8::11", 53, 2),
        Nat("2001:db8::12", 53, 2));

    public static readonly LoadBalancedService Mark = new(
        new VirtualService(ServiceKey.ForFirewallMark(7)) { Scheduler = "wlc" },
        Nat("10.77.7.21", 0, 2),
        Nat("10.77.7.22", 0, 1));

    public static readonly LoadBalancedService Empty = new(
        new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Sctp, IPAddress.Parse("10.77.7.250"), 9)) { Scheduler = "rr" });

    public static readonly LoadBalancedService MarkWithPorts = new(
        new VirtualService(ServiceKey.ForFirewallMark(8)) { Scheduler = "rr", Flags = ServiceFlags.Persistent },
        Nat("10.77.7.21", 81, 1),
        Nat("10.77.7.22", 82, 1));

    public static IReadOnlyList<LoadBalancedService> All => [Web, Dns, Mark, Empty, MarkWithPorts];

    /// <summary>One real-server change per sample: dropped, emptied, dropped, added, dropped.</summary>
    public static IReadOnlyList<(LoadBalancedService Before, LoadBalancedService After)> Changes =>
    [
        (Web, Web with { Destinations = [Web.Destinations[0]] }),
        (Dns, Dns with { Destinations = [] }),
        (Mark, Mark with { Destinations = [Mark.Destinations[1]] }),
        (Empty, Empty with { Destinations = [Nat("10.77.7.5", 9, 1)] }),
        (MarkWithPorts, MarkWithPorts with { Destinations = [MarkWithPorts.Destinations[1]] }),
    ];

    public static ServiceDestination Nat(string address, ushort port, int weight) =>
        new(IPAddress.Parse(address), port) { Weight = weight, ForwardingMethod = PacketForwarding.Masquerade };
}
