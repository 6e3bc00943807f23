using System.Net;

namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// One real server of a virtual server, how it is checked and keepalived's timing. A TCP_CHECK
/// (<see cref="TcpConnect"/>) is a non-blocking connect run by the scheduler's own loop; any other check
/// (<see cref="WithProbe"/>, e.g. HTTP_GET as an <see cref="HttpGetProbe"/> with connectTo) runs its probe.
/// Two checks are equal when they check the same server of the same virtual server the same way: same policy,
/// connect timeout, and probe settings (not necessarily the same probe object).
/// </summary>
/// <param name="VirtualServer">The virtual server's name as the dataplane knows it.</param>
public sealed record RealServerCheck(string VirtualServer, IPEndPoint RealServer, RealServerCheckPolicy Policy)
{
    /// <summary>TCP_CHECK: the connect must complete within this (connect_timeout); zero for probe checks.</summary>
    public TimeSpan ConnectTimeout { get; private init; }

    /// <summary>The probe of a non-TCP_CHECK check; null for TCP_CHECK.</summary>
    public ITrackProbe? Probe { get; private init; }

    public static RealServerCheck TcpConnect(string virtualServer, IPEndPoint realServer, TimeSpan connectTimeout, RealServerCheckPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(realServer);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(connectTimeout, TimeSpan.Zero);
        return new(virtualServer, realServer, policy) { ConnectTimeout = connectTimeout };
    }

    public static RealServerCheck WithProbe(string virtualServer, IPEndPoint realServer, ITrackProbe probe, RealServerCheckPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return new(virtualServer, realServer, policy) { Probe = probe };
    }

    public bool Equals(RealServerCheck? other) =>
        other is not null && VirtualServer == other.VirtualServer && RealServer.Equals(other.RealServer) && Policy.Equals(other.Policy)
        && ConnectTimeout == other.ConnectTimeout && ProbeSettings.AreEqual(Probe, other.Probe);

    public override int GetHashCode() => HashCode.Combine(VirtualServer, RealServer, Policy, ConnectTimeout, ProbeSettings.HashOf(Probe));
}
