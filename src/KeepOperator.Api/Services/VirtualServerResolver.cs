using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Instances;

namespace KeepOperator.Api.Services;

/// <summary>
/// Pure: a valid VirtualServer on its VirtualIp (or on its static address) to the <see cref="VirtualServerInstance"/> the nodes program. The one
/// place VirtualServer defaults are applied, used by the operator's planner and by the standalone agent. The input must
/// have passed <see cref="VirtualServerValidator.Validate"/> and <see cref="VirtualServerValidator.ValidateOn"/>: this does not check again.
/// </summary>
public static class VirtualServerResolver
{
    /// <param name="vip">The VirtualIp the server's virtualIpRef names; null for a static virtual server.</param>
    /// <param name="realServers">The real servers to program (the operator merges a serviceRef's endpoints in); null: the spec's.</param>
    public static VirtualServerInstance Resolve(VirtualServer server, VirtualIp? vip, IReadOnlyList<RealServer>? realServers = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var spec = server.Spec;
        var address = VirtualServerValidator.ServedAddress(spec, vip?.Spec)
            ?? throw new ArgumentException($"{spec.Address} is not an address of VirtualIp {vip!.Metadata.Name} (not validated)", nameof(server));
        var port = spec.Port ?? 0;
        return new VirtualServerInstance
        {
            Namespace = server.Metadata.Namespace ?? "",
            Name = server.Metadata.Name ?? "",
            Generation = server.Metadata.Generation,
            VirtualIp = vip is null ? null : VirtualIpResolver.InstanceName(vip),
            Address = address,
            Port = spec.Port,
            Fwmark = spec.Fwmark,
            Protocol = (spec.Protocol ?? VirtualServerDefaults.Protocol) switch
            {
                "UDP" => VirtualServerProtocol.Udp,
                "SCTP" => VirtualServerProtocol.Sctp,
                _ => VirtualServerProtocol.Tcp,
            },
            Scheduler = spec.Scheduler ?? VirtualServerDefaults.Scheduler,
            Forwarding = (spec.Forwarding ?? VirtualServerDefaults.Forwarding) switch
            {
                "DR" => ForwardingMethod.DirectRoute,
                "TUN" => ForwardingMethod.Tunnel,
                _ => ForwardingMethod.Nat,
            },
            PersistenceTimeout = spec.PersistenceTimeout is { } timeout ? GoDuration.Parse(timeout) : TimeSpan.Zero,
            PersistencePrefixLength = spec.PersistenceNetmask is { } netmask
                ? VirtualServerValidator.PrefixLength(netmask)
                : address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32,
            RealServers = [.. (realServers ?? spec.RealServers ?? []).Select(r => RealServer(r, port))],
            SorryServer = spec.SorryServer is { } sorry ? RealServer(sorry, port) : null,
            InhibitOnFailure = spec.InhibitOnFailure ?? false,
            Quorum = spec.Quorum is { } quorum ? new QuorumSettings(quorum.Minimum, quorum.Hysteresis ?? 0) : QuorumSettings.Default,
            HealthCheck = spec.HealthCheck is { } check ? Check(check) : null,
        };
    }

    private static RealServerSettings RealServer(RealServer server, int defaultPort) =>
        new(IPAddress.Parse(server.Address), server.Port ?? defaultPort, server.Weight ?? VirtualServerDefaults.Weight);

    private static RealServerCheckSettings Check(HealthCheck check) => new(
        check.Tcp?.Port ?? check.Http?.Port,
        check.Http is { } http
            ? new HttpCheckSettings(
                http.Path ?? VirtualServerDefaults.HttpPath,
                HttpStatusRanges.Parse(http.ExpectedStatus ?? VirtualServerDefaults.HttpExpectedStatus),
                http.BodyRegex,
                http.Digest?.ToLowerInvariant(),
                http.Tls ?? false)
            : null,
        GoDuration.Parse(check.Tcp?.ConnectTimeout ?? check.Http?.ConnectTimeout ?? VirtualServerDefaults.ConnectTimeout),
        GoDuration.Parse(check.Interval ?? VirtualServerDefaults.HealthCheckInterval),
        check.Retries ?? VirtualServerDefaults.Retries,
        GoDuration.Parse(check.DelayBeforeRetry ?? VirtualServerDefaults.DelayBeforeRetry));
}
