using System.Net;
using System.Text.RegularExpressions;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Health;
using KeepOperator.NodeAgent.Health.Checker;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// Builds the scheduler's checks for the virtual servers, reusing the check object of an unchanged (virtual server, real
/// server, spec): an HTTP check carries a probe object, and only the very same check keeps its state and schedule in
/// <see cref="HealthCheckScheduler"/>.
/// </summary>
public sealed class RealServerCheckFactory
{
    private Dictionary<(string VirtualServer, IPEndPoint Target, RealServerCheckSpec Spec), RealServerCheck> _built = [];

    /// <summary>Where a check connects: the spec's port, else the real server's.</summary>
    public static IPEndPoint Target(ConfiguredRealServer server, RealServerCheckSpec spec) =>
        new(server.Address, spec.Port ?? server.Port);

    /// <summary>Every check the definitions need, one per distinct target of a virtual server; forgets the others.</summary>
    public IReadOnlyList<RealServerCheck> Build(IEnumerable<VirtualServerDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var next = new Dictionary<(string, IPEndPoint, RealServerCheckSpec), RealServerCheck>();
        foreach (var definition in definitions)
        {
            if (definition.HealthCheck is not { } spec)
            {
                continue;
            }

            foreach (var server in definition.RealServers)
            {
                var key = (definition.DisplayName, Target(server, spec), spec);
                if (!next.ContainsKey(key))
                {
                    next[key] = _built.TryGetValue(key, out var existing) ? existing : Create(key.DisplayName, key.Item2, spec);
                }
            }
        }

        _built = next;
        return [.. next.Values];
    }

    private static RealServerCheck Create(string virtualServer, IPEndPoint target, RealServerCheckSpec spec)
    {
        var policy = new RealServerCheckPolicy(spec.Interval, spec.Retries, spec.DelayBeforeRetry);
        if (!spec.IsHttp)
        {
            return RealServerCheck.TcpConnect(virtualServer, target, spec.ConnectTimeout, policy);
        }

        var host = target.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{target.Address}]" : target.Address.ToString();
        var probe = new HttpGetProbe(
            new Uri($"http://{host}:{target.Port}{spec.HttpPath}"),
            spec.ExpectedStatus is { } expected ? HttpStatusRanges.Parse(expected) : HttpStatusRanges.Default,
            spec.ConnectTimeout,
            spec.BodyRegex is { } pattern ? new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)) : null,
            connectTo: target);
        return RealServerCheck.WithProbe(virtualServer, target, probe, policy);
    }
}
