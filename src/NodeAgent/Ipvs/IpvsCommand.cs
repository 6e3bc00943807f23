using System.Net;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Ipvs;

/// <summary>
/// One IPVS request, as ipvsadm would issue it. A closed hierarchy: the nested records are the only cases.
/// <see cref="IpvsMessageCodec.Encode"/> turns one into a generic netlink message,
/// <see cref="IpvsadmCommandRenderer.Render"/> into an <c>ipvsadm ...</c> line.
/// </summary>
public abstract record IpvsCommand
{
    private IpvsCommand()
    {
    }

    /// <summary>ipvsadm -A: IPVS_CMD_NEW_SERVICE.</summary>
    public sealed record AddService(VirtualService Service) : IpvsCommand;

    /// <summary>ipvsadm -E: IPVS_CMD_SET_SERVICE (every setting is sent, not only the changed ones).</summary>
    public sealed record EditService(VirtualService Service) : IpvsCommand;

    /// <summary>ipvsadm -D: IPVS_CMD_DEL_SERVICE (its real servers go with it).</summary>
    public sealed record DeleteService(ServiceKey Service) : IpvsCommand;

    /// <summary>ipvsadm -a: IPVS_CMD_NEW_DEST.</summary>
    public sealed record AddDestination(ServiceKey Service, ServiceDestination Destination) : IpvsCommand;

    /// <summary>ipvsadm -e: IPVS_CMD_SET_DEST.</summary>
    public sealed record EditDestination(ServiceKey Service, ServiceDestination Destination) : IpvsCommand;

    /// <summary>ipvsadm -d: IPVS_CMD_DEL_DEST for the real server at <paramref name="Address"/>:<paramref name="Port"/>.</summary>
    public sealed record DeleteDestination(ServiceKey Service, IPAddress Address, ushort Port) : IpvsCommand;

    /// <summary>ipvsadm -C: IPVS_CMD_FLUSH, removes every service.</summary>
    public sealed record Flush : IpvsCommand;

    /// <summary>ipvsadm -Z [service]: IPVS_CMD_ZERO, resets counters of one service or all.</summary>
    public sealed record Zero(ServiceKey? Service = null) : IpvsCommand;

    /// <summary>ipvsadm -L -n (first request): IPVS_CMD_GET_SERVICE dump of all services.</summary>
    public sealed record ListServices : IpvsCommand;

    /// <summary>IPVS_CMD_GET_DEST dump of one service's real servers (ipvsadm -L issues one per service).</summary>
    public sealed record ListDestinations(ServiceKey Service) : IpvsCommand;

    /// <summary>ipvsadm --start-daemon: IPVS_CMD_NEW_DAEMON.</summary>
    public sealed record StartDaemon(IpvsSyncDaemon Daemon) : IpvsCommand;

    /// <summary>ipvsadm --stop-daemon: IPVS_CMD_DEL_DAEMON (the kernel goes by the role; the sync ID rides along as ipvsadm sends it).</summary>
    public sealed record StopDaemon(IpvsSyncRole Role, byte SyncId = 0) : IpvsCommand;

    /// <summary>ipvsadm -L --daemon: IPVS_CMD_GET_DAEMON dump of the running sync daemons.</summary>
    public sealed record ListDaemons : IpvsCommand;
}
