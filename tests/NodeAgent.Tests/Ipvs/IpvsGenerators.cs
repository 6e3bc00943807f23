using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

/// <summary>FsCheck generators for the IPVS model: wide ones for the codec, ipvsadm-expressible ones for the renderer.</summary>
public static class IpvsGenerators
{
    public static Gen<IPAddress> Ipv4 =>
        Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), 4).Select(b => new IPAddress(b));

    public static Gen<IPAddress> Ipv6 =>
        Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), 16).Select(b => new IPAddress(b));

    public static Gen<IPAddress> AddressOf(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? Ipv6 : Ipv4;

    public static Gen<AddressFamily> Family => Gen.Elements(AddressFamily.InterNetwork, AddressFamily.InterNetworkV6);

    public static Gen<ushort> Port => Gen.Frequency(
        (1, Gen.Constant((ushort)0)),
        (3, Gen.Elements<ushort>(80, 443, 53, 8080, 65535)),
        (3, Gen.Choose(0, 65535).Select(p => (ushort)p)));

    public static Gen<uint> AnyUInt => Gen.Frequency(
        (2, Gen.Elements(0u, 1u, 10u, 100u, (uint)int.MaxValue, uint.MaxValue)),
        (3, Gen.Choose(0, int.MaxValue).Select(i => (uint)i)));

    public static Gen<string> Name => Gen.Elements("rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos");

    public static Gen<ServiceKey> Key =>
        from family in Family
        from isMark in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
        from mark in Gen.Choose(1, int.MaxValue).Select(i => (uint)i)
        from protocol in Gen.Elements(ServiceProtocol.Tcp, ServiceProtocol.Udp, ServiceProtocol.Sctp)
        from address in AddressOf(family)
        from port in Port
        select isMark ? ServiceKey.ForFirewallMark(mark, family) : ServiceKey.ForAddress(protocol, address, port);

    /// <summary>Any encodable service (the HASHED flag aside, which the codec drops on purpose).</summary>
    public static Gen<VirtualService> Service =>
        from key in Key
        from scheduler in Name
        from flags in Gen.Choose(0, 0x3f).Select(f => (ServiceFlags)f & ~ServiceFlags.Hashed)
        from timeout in AnyUInt
        from prefix in Gen.Choose(0, key.MaxPrefixLength)
        from engine in Gen.Elements<string?>(null, null, "sip")
        select new VirtualService(key)
        {
            Scheduler = scheduler,
            Flags = flags,
            PersistenceTimeout = timeout,
            NetmaskPrefixLength = prefix,
            PersistenceEngine = engine,
        };

    public static Gen<ServiceDestination> Destination =>
        from address in Family.SelectMany(AddressOf)
        from port in Port
        from method in Gen.Elements(PacketForwarding.Masquerade, PacketForwarding.LocalNode,
            PacketForwarding.Tunnel, PacketForwarding.DirectRoute)
        from weight in Gen.Frequency((3, Gen.Choose(0, 100)), (1, Gen.Choose(0, int.MaxValue)))
        from upper in AnyUInt
        from lower in AnyUInt
        from tunnelType in Gen.Elements(TunnelEncapsulation.IpIp, TunnelEncapsulation.Gue, TunnelEncapsulation.Gre)
        from tunnelPort in Port
        from tunnelFlags in Gen.Choose(0, 3).Select(f => (TunnelOptions)f)
        select new ServiceDestination(address, port)
        {
            ForwardingMethod = method,
            Weight = weight,
            UpperThreshold = upper,
            LowerThreshold = lower,
            TunnelType = tunnelType,
            TunnelPort = tunnelPort,
            TunnelFlags = tunnelFlags,
        };

    /// <summary>Any command the codec can encode.</summary>
    public static Gen<IpvsCommand> Command => Gen.OneOf(
        Service.Select(s => (IpvsCommand)new IpvsCommand.AddService(s)),
        Service.Select(s => (IpvsCommand)new IpvsCommand.EditService(s)),
        Key.Select(k => (IpvsCommand)new IpvsCommand.DeleteService(k)),
        Key.Zip(Destination).Select(t => (IpvsCommand)new IpvsCommand.AddDestination(t.Item1, t.Item2)),
        Key.Zip(Destination).Select(t => (IpvsCommand)new IpvsCommand.EditDestination(t.Item1, t.Item2)),
        Key.Zip(Destination).Select(t => (IpvsCommand)new IpvsCommand.DeleteDestination(t.Item1, t.Item2.Address, t.Item2.Port)),
        Gen.Constant((IpvsCommand)new IpvsCommand.Flush()),
        Gen.Constant((IpvsCommand)new IpvsCommand.Zero()),
        Key.Select(k => (IpvsCommand)new IpvsCommand.Zero(k)),
        Gen.Constant((IpvsCommand)new IpvsCommand.ListServices()),
        Key.Select(k => (IpvsCommand)new IpvsCommand.ListDestinations(k)));

    // ---- what ipvsadm can express ----

    /// <summary>A service ipvsadm -A/-E can set: persistent means a timeout 1..31 days, port 0 only when persistent, -o only for UDP or fwmark.</summary>
    public static Gen<VirtualService> ExpressibleService =>
        from key0 in Key
        from persistent in Gen.Elements(true, false)
        let key = !key0.IsFirewallMark && key0.Port == 0 && !persistent
            ? ServiceKey.ForAddress(key0.Protocol, key0.Address!, 80)
            : key0
        from scheduler in Name
        from schedFlags in Gen.Choose(0, 7).Select(f => (ServiceFlags)(f << 3))
        from onePacket in Gen.Elements(true, false)
        from timeout in Gen.Frequency(
            (3, Gen.Elements(50u, 360u, 3600u)),
            (1, Gen.Choose(1, (int)IpvsadmCommandParser.MaxTimeout).Select(t => (uint)t)))
        from prefix in Gen.Frequency(
            (1, Gen.Constant(key.MaxPrefixLength)),
            (1, Gen.Choose(key.Family == AddressFamily.InterNetworkV6 ? 1 : 0, key.MaxPrefixLength)))
        from engine in Gen.Elements<string?>(null, null, "sip")
        let onePacketOk = key.IsFirewallMark || key.Protocol == ServiceProtocol.Udp
        select new VirtualService(key)
        {
            Scheduler = scheduler,
            Flags = schedFlags
                | (persistent ? ServiceFlags.Persistent : ServiceFlags.None)
                | (onePacket && onePacketOk ? ServiceFlags.OnePacket : ServiceFlags.None),
            PersistenceTimeout = persistent ? timeout : 0,
            NetmaskPrefixLength = prefix,
            PersistenceEngine = engine,
        };

    /// <summary>A real server ipvsadm -a/-e can set under <paramref name="key"/>.</summary>
    public static Gen<ServiceDestination> ExpressibleDestination(ServiceKey key) =>
        from destination in Destination
        from method in Gen.Elements(PacketForwarding.Masquerade, PacketForwarding.Tunnel, PacketForwarding.DirectRoute)
        from sameFamilyAddress in AddressOf(key.Family)
        from tunnelType in Gen.Elements(TunnelEncapsulation.IpIp, TunnelEncapsulation.Gue, TunnelEncapsulation.Gre)
        from tunnelPort in Gen.Choose(1, 65535).Select(p => (ushort)p)
        from checksum in Gen.Elements(TunnelOptions.None, TunnelOptions.Checksum, TunnelOptions.RemoteChecksum)
        let tunnel = method == PacketForwarding.Tunnel
        let address = tunnel ? destination.Address : sameFamilyAddress
        let port = !key.IsFirewallMark && method != PacketForwarding.Masquerade ? key.Port : destination.Port
        select new ServiceDestination(address, port)
        {
            ForwardingMethod = method,
            Weight = destination.Weight,
            UpperThreshold = destination.UpperThreshold & int.MaxValue,
            LowerThreshold = destination.LowerThreshold & int.MaxValue,
            TunnelType = tunnel ? tunnelType : TunnelEncapsulation.IpIp,
            TunnelPort = tunnel && tunnelType == TunnelEncapsulation.Gue ? tunnelPort : (ushort)0,
            TunnelFlags = !tunnel ? TunnelOptions.None : tunnelType switch
            {
                TunnelEncapsulation.Gue => checksum,
                TunnelEncapsulation.Gre => checksum & TunnelOptions.Checksum,
                _ => TunnelOptions.None,
            },
        };

    public static Gen<IpvsCommand> ExpressibleCommand => Gen.OneOf(
        ExpressibleService.Select(s => (IpvsCommand)new IpvsCommand.AddService(s)),
        ExpressibleService.Select(s => (IpvsCommand)new IpvsCommand.EditService(s)),
        Key.Select(k => (IpvsCommand)new IpvsCommand.DeleteService(k)),
        Key.SelectMany(k => ExpressibleDestination(k).Select(d => (IpvsCommand)new IpvsCommand.AddDestination(k, d))),
        Key.SelectMany(k => ExpressibleDestination(k).Select(d => (IpvsCommand)new IpvsCommand.EditDestination(k, d))),
        Key.SelectMany(k => AddressOf(k.Family).Zip(Port).Select(t => (IpvsCommand)new IpvsCommand.DeleteDestination(k, t.Item1, t.Item2))),
        Gen.Constant((IpvsCommand)new IpvsCommand.Flush()),
        Gen.Constant((IpvsCommand)new IpvsCommand.Zero()),
        Key.Select(k => (IpvsCommand)new IpvsCommand.Zero(k)),
        Gen.Constant((IpvsCommand)new IpvsCommand.ListServices()),
        Key.Select(k => (IpvsCommand)new IpvsCommand.ListDestinations(k)));
}

/// <summary>Arbitrary registrations for [Property(Arbitrary = ...)].</summary>
public static class IpvsCommandArbitrary
{
    public static Arbitrary<IpvsCommand> Command() => Arb.From(IpvsGenerators.Command);
}

public static class ExpressibleIpvsCommandArbitrary
{
    public static Arbitrary<IpvsCommand> Command() => Arb.From(IpvsGenerators.ExpressibleCommand);
}
