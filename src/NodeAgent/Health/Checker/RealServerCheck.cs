using System.Net;

namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// One real server of a virtual server and how it is checked: a probe (<see cref="TcpConnectProbe"/> for TCP_CHECK,
/// <see cref="HttpGetProbe"/> with connectTo for HTTP_GET) and keepalived's timing.
/// </summary>
/// <param name="VirtualServer">The virtual server's name as the dataplane knows it.</param>
public sealed record RealServerCheck(string VirtualServer, IPEndPoint RealServer, ITrackProbe Probe, RealServerCheckPolicy Policy);
