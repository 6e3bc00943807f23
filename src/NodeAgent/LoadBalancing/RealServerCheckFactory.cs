using System.Net;
using System.Text.RegularExpressions;
using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.Health;
using KeepOperator.NodeAgent.Health.Checker;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// Pure: the health checker's checks for the virtual servers, one per distinct target of a virtual server. The check of
/// an unchanged (virtual server, real server, spec) equals the one built before, which is what keeps its state and
/// schedule in <see cref="HealthCheckScheduler"/> across a configuration change.
/// </summary>
public static class RealServerCheckFactory
{
    /// <summary>Where a check connects: the spec's port, else the real server's.</summary>
    public static IPEndPoint Target(RealServerSettings server, RealServerCheckSettings spec)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(spec);
        return new(server.Address, spec.Port ?? server.Port);
    }

    public static IReadOnlyList<RealServerCheck> Build(IEnumerable<VirtualServerDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var checks = new List<RealServerCheck>();
        var seen = new HashSet<(string, IPEndPoint)>();
        foreach (var definition in definitions)
        {
            if (definition.Server.HealthCheck is not { } spec)
            {
                continue;
            }

            foreach (var server in definition.Server.RealServers)
            {
                var target = Target(server, spec);
                if (seen.Add((definition.DisplayName, target)))
                {
                    checks.Add(Create(definition.DisplayName, target, spec));
                }
            }
        }

        return checks;
    }

    private static RealServerCheck Create(string virtualServer, IPEndPoint target, RealServerCheckSettings spec)
    {
        var policy = new RealServerCheckPolicy(spec.Interval, spec.Retries, spec.DelayBeforeRetry);
        if (spec.Http is not { } http)
        {
            return RealServerCheck.TcpConnect(virtualServer, target, spec.ConnectTimeout, policy);
        }

        var probe = new HttpGetProbe(
            new Uri($"{(http.Tls ? "https" : "http")}://{target}{http.Path}"),
            http.ExpectedStatus,
            spec.ConnectTimeout,
            http.BodyRegex is { } pattern ? new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1)) : null,
            connectTo: target,
            bodyDigest: http.Digest);
        return RealServerCheck.WithProbe(virtualServer, target, probe, policy);
    }
}
