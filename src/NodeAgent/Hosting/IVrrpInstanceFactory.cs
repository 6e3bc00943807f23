using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Vrrp.Transport;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>The host side of starting an instance, called on the agent's loop: sockets, runners, tracking.</summary>
public interface IVrrpInstanceFactory
{
    /// <summary>Opens the raw socket for the first instance on <paramref name="settings"/>' (interface, family).</summary>
    IVrrpTransport OpenTransport(VrrpInstanceSettings settings);

    /// <summary>A runner on the shared <paramref name="transport"/>, with stale VIPs of an earlier run removed.</summary>
    VrrpInstanceRunner CreateRunner(VrrpInstanceSettings settings, IVrrpTransport transport);

    /// <summary>Starts the instance's tracked checks, feeding verdicts (effective priority, fault) to <paramref name="verdict"/>; null when it has none. Dispose stops them.</summary>
    IDisposable? StartTracking(VrrpInstanceSettings settings, Action<byte, bool> verdict);
}
