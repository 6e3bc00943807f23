namespace KeepOperator.NodeAgent.Health.Checker;

/// <summary>
/// Whether two probes check the same way: the probe classes compare by reference, but a configuration reload builds
/// new probe objects, and a check whose settings did not change must keep its state and schedule.
/// </summary>
internal static class ProbeSettings
{
    public static bool AreEqual(ITrackProbe? a, ITrackProbe? b) => (a, b) switch
    {
        (null, null) => true,
        (TcpConnectProbe x, TcpConnectProbe y) => x.Host == y.Host && x.Port == y.Port && x.Timeout == y.Timeout,
        (HttpGetProbe x, HttpGetProbe y) => x.Url == y.Url && x.ExpectedStatus.Equals(y.ExpectedStatus) && x.Timeout == y.Timeout
            && Equals(x.ConnectTo, y.ConnectTo) && x.BodyPattern?.ToString() == y.BodyPattern?.ToString()
            && x.BodyPattern?.Options == y.BodyPattern?.Options && x.BodyDigest == y.BodyDigest,
        _ => ReferenceEquals(a, b),
    };

    public static int HashOf(ITrackProbe? probe) => probe switch
    {
        null => 0,
        TcpConnectProbe p => HashCode.Combine(p.Host, p.Port, p.Timeout),
        HttpGetProbe p => HashCode.Combine(p.Url, p.Timeout, p.ConnectTo),
        _ => probe.GetHashCode(),
    };
}
