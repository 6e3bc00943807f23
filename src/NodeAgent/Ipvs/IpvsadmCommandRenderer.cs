using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Ipvs;

/// <summary>
/// Renders an <see cref="IpvsCommand"/> as the ipvsadm command line that does the same thing
/// (for --dry-run and logs). The tests' ipvsadm parser reads every rendering but the sync daemon
/// commands' back into an equal command, as long as the command is one ipvsadm can express: a persistent service has a
/// timeout of at least 1, a non-persistent one has timeout 0, and a real server reached by -g or -i
/// on a non-fwmark service has the service's port (ipvsadm forces that).
/// </summary>
public static class IpvsadmCommandRenderer
{
    /// <summary>The whole line, starting with "ipvsadm".</summary>
    public static string Render(IpvsCommand command) => "ipvsadm " + string.Join(' ', RenderArguments(command));

    /// <summary>The argument list, without the program name.</summary>
    public static IReadOnlyList<string> RenderArguments(IpvsCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var args = new List<string>();
        switch (command)
        {
            case IpvsCommand.AddService c:
                args.Add("-A");
                AddServiceSettings(args, c.Service);
                break;
            case IpvsCommand.EditService c:
                args.Add("-E");
                AddServiceSettings(args, c.Service);
                break;
            case IpvsCommand.DeleteService c:
                args.Add("-D");
                AddKey(args, c.Service);
                break;
            case IpvsCommand.AddDestination c:
                args.Add("-a");
                AddKey(args, c.Service);
                AddDestinationSettings(args, c.Service, c.Destination);
                break;
            case IpvsCommand.EditDestination c:
                args.Add("-e");
                AddKey(args, c.Service);
                AddDestinationSettings(args, c.Service, c.Destination);
                break;
            case IpvsCommand.DeleteDestination c:
                args.Add("-d");
                AddKey(args, c.Service);
                args.Add("-r");
                args.Add(RenderServer(c.Service, c.Address, c.Port));
                break;
            case IpvsCommand.Flush:
                args.Add("-C");
                break;
            case IpvsCommand.Zero c:
                args.Add("-Z");
                if (c.Service is not null)
                {
                    AddKey(args, c.Service);
                }
                break;
            case IpvsCommand.ListServices:
                args.Add("-L");
                args.Add("-n");
                break;
            case IpvsCommand.ListDestinations c:
                args.Add("-L");
                args.Add("-n");
                AddKey(args, c.Service);
                break;
            case IpvsCommand.StartDaemon c:
                args.AddRange(["--start-daemon", RoleName(c.Daemon.Role), "--mcast-interface", c.Daemon.Interface, "--syncid", Number(c.Daemon.SyncId)]);
                if (c.Daemon.MaxPacketLength is { } length)
                {
                    args.AddRange(["--sync-maxlen", Number(length)]);
                }
                break;
            case IpvsCommand.StopDaemon c:
                args.AddRange(["--stop-daemon", RoleName(c.Role)]);
                if (c.SyncId != 0)
                {
                    args.AddRange(["--syncid", Number(c.SyncId)]);
                }
                break;
            case IpvsCommand.ListDaemons:
                args.AddRange(["-L", "--daemon"]);
                break;
            default:
                throw new ArgumentException($"Unknown IPVS command {command.GetType().Name}.", nameof(command));
        }
        return args;
    }

    private static string RoleName(IpvsSyncRole role) => role == IpvsSyncRole.Master ? "master" : "backup";

    private static string Number(uint value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"-t 10.0.0.1:80", "-u [2001:db8::1]:53", "--sctp-service ...", "-f 7" or "-f 7 -6".</summary>
    // ServiceKey writes itself as ipvsadm does ("-t 10.0.0.1:80"); the words are kept apart like the other arguments.
    private static void AddKey(List<string> args, ServiceKey key) => args.AddRange(key.ToString().Split(' '));

    private static void AddServiceSettings(List<string> args, VirtualService service)
    {
        AddKey(args, service.Key);
        args.Add("-s");
        args.Add(service.Scheduler);
        if (service.IsPersistent)
        {
            args.Add("-p");
            args.Add(service.PersistenceTimeout.ToString(CultureInfo.InvariantCulture));
        }
        if (service.NetmaskPrefixLength != service.Key.MaxPrefixLength)
        {
            args.Add("-M");
            args.Add(service.Key.Family == AddressFamily.InterNetworkV6 || service.NetmaskPrefixLength < 0
                ? service.NetmaskPrefixLength.ToString(CultureInfo.InvariantCulture)
                : new IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(
                    IpvsMessageCodec.PrefixToMask(service.NetmaskPrefixLength))).ToString());
        }
        if (!string.IsNullOrEmpty(service.PersistenceEngine))
        {
            args.Add("--pe");
            args.Add(service.PersistenceEngine);
        }
        var schedFlags = service.Flags & (ServiceFlags.Sched1 | ServiceFlags.Sched2 | ServiceFlags.Sched3);
        if (schedFlags != 0)
        {
            bool sh = service.Scheduler == "sh";
            var names = new List<string>();
            if ((schedFlags & ServiceFlags.Sched1) != 0)
            {
                names.Add(sh ? "sh-fallback" : "flag-1");
            }
            if ((schedFlags & ServiceFlags.Sched2) != 0)
            {
                names.Add(sh ? "sh-port" : "flag-2");
            }
            if ((schedFlags & ServiceFlags.Sched3) != 0)
            {
                names.Add("flag-3");
            }
            args.Add("-b");
            args.Add(string.Join(',', names));
        }
        if ((service.Flags & ServiceFlags.OnePacket) != 0)
        {
            args.Add("-o");
        }
    }

    private static void AddDestinationSettings(List<string> args, ServiceKey key, ServiceDestination destination)
    {
        args.Add("-r");
        args.Add(RenderServer(key, destination.Address, destination.Port));
        args.Add(destination.ForwardingMethod switch
        {
            PacketForwarding.Masquerade => "-m",
            PacketForwarding.Tunnel => "-i",
            _ => "-g",
        });
        args.Add("-w");
        args.Add(destination.Weight.ToString(CultureInfo.InvariantCulture));
        if (destination.UpperThreshold != 0)
        {
            args.Add("-x");
            args.Add(destination.UpperThreshold.ToString(CultureInfo.InvariantCulture));
        }
        if (destination.LowerThreshold != 0)
        {
            args.Add("-y");
            args.Add(destination.LowerThreshold.ToString(CultureInfo.InvariantCulture));
        }
        if (destination.ForwardingMethod == PacketForwarding.Tunnel && destination.TunnelType != TunnelEncapsulation.IpIp)
        {
            args.Add("--tun-type");
            args.Add(destination.TunnelType == TunnelEncapsulation.Gue ? "gue" : "gre");
            if (destination.TunnelType == TunnelEncapsulation.Gue)
            {
                args.Add("--tun-port");
                args.Add(destination.TunnelPort.ToString(CultureInfo.InvariantCulture));
            }
            if ((destination.TunnelFlags & TunnelOptions.RemoteChecksum) != 0)
            {
                args.Add("--tun-remcsum");
            }
            else if ((destination.TunnelFlags & TunnelOptions.Checksum) != 0)
            {
                args.Add("--tun-csum");
            }
        }
    }

    /// <summary>A real server: its port is left out only for a firewall-mark service's port 0.</summary>
    private static string RenderServer(ServiceKey key, IPAddress address, ushort port)
    {
        if (key.IsFirewallMark && port == 0)
        {
            return address.ToString();
        }
        return ServiceKey.AddressPort(address, port);
    }
}
