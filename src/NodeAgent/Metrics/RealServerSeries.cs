using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.LoadBalancing;

namespace KeepOperator.NodeAgent.Metrics;

/// <summary>
/// Keeps keepoperator_real_server_up and the check-latency histograms in step with what the load balancer publishes:
/// each status sets every real server's series, and a real server or virtual server that left the configuration loses
/// its series instead of reporting a stale value for ever.
/// </summary>
public sealed class RealServerSeries(AgentMetrics metrics)
{
    private readonly Lock _gate = new();
    private HashSet<(string VirtualServer, string Address, int Port)> _shown = [];
    private HashSet<string> _virtualServers = new(StringComparer.Ordinal);

    public void Update(LoadBalancerStatus status)
    {
        lock (_gate)
        {
            var shown = new HashSet<(string, string, int)>();
            var virtualServers = new HashSet<string>(StringComparer.Ordinal);
            foreach (var server in status.VirtualServers)
            {
                var name = VirtualServerInstance.DisplayNameOf(server.Namespace, server.Name);
                virtualServers.Add(name);
                foreach (var real in server.RealServers ?? [])
                {
                    var key = (name, real.Address, real.Port ?? 0);
                    shown.Add(key);
                    metrics.RealServerHealth(key.name, key.Address, key.Item3, real.Healthy);
                }
            }

            foreach (var (virtualServer, address, port) in _shown.Except(shown))
            {
                metrics.RealServerRemoved(virtualServer, address, port);
            }

            foreach (var virtualServer in _virtualServers.Except(virtualServers))
            {
                metrics.VirtualServerRemoved(virtualServer);
            }

            _shown = shown;
            _virtualServers = virtualServers;
        }
    }
}
