using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KeepOperator.Api;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>The outcome of <see cref="VirtualServerResolver.Resolve"/>: a definition, or the errors that prevent one.</summary>
public sealed record VirtualServerResolution(VirtualServerDefinition? Definition, IReadOnlyList<FieldError> Errors);

/// <summary>
/// Pure: a VirtualServer (and the addresses of the VirtualIp it names) to what the dataplane programs, with
/// <see cref="VirtualServerDefaults"/> applied. The server passed <see cref="VirtualServerValidator"/> already (the
/// operator's, or the standalone file reader's); what is checked here needs the VirtualIp.
/// </summary>
public static class VirtualServerResolver
{
    /// <param name="virtualIpAddresses">The VirtualIp's spec.addresses (a prefix length is allowed and ignored).</param>
    public static VirtualServerResolution Resolve(VirtualServer server, IReadOnlyList<string> virtualIpAddresses)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(virtualIpAddresses);
        var spec = server.Spec;
        var errors = new List<FieldError>();
        var vips = virtualIpAddresses
            .Select(text => VirtualIpValidator.TryParseAddress(text, out var address, out _, out _) ? address : null)
            .OfType<IPAddress>()
            .ToList();
        IPAddress? address = null;
        if (spec.Address is { } wanted)
        {
            address = vips.FirstOrDefault(a => a.Equals(IPAddress.Parse(wanted)));
            if (address is null)
            {
                errors.Add(new("spec.address", $"{wanted} is not an address of VirtualIp \"{spec.VirtualIpRef}\" ({string.Join(", ", virtualIpAddresses)})"));
            }
        }
        else if (vips.Count > 0)
        {
            address = vips[0];
        }
        else
        {
            errors.Add(new("spec.virtualIpRef", $"VirtualIp \"{spec.VirtualIpRef}\" has no address"));
        }

        if (address is null)
        {
            return new(null, errors);
        }

        var key = spec.Fwmark is { } mark
            ? ServiceKey.ForFirewallMark((uint)mark, address.AddressFamily)
            : ServiceKey.ForAddress(Protocol(spec.Protocol ?? VirtualServerDefaults.Protocol), address, (ushort)spec.Port!.Value);
        var service = new VirtualService(key) { Scheduler = spec.Scheduler ?? VirtualServerDefaults.Scheduler };
        var persistence = spec.PersistenceTimeout is { } timeout ? GoDuration.Parse(timeout) : TimeSpan.Zero;
        if (persistence > TimeSpan.Zero)
        {
            service = service with
            {
                Flags = ServiceFlags.Persistent,
                // IPVS counts whole seconds; a fraction rounds up so that persistence never ends early.
                PersistenceTimeout = (uint)Math.Ceiling(persistence.TotalSeconds),
            };
        }

        if (spec.PersistenceNetmask is { } netmask)
        {
            int prefix = PrefixLength(netmask);
            if (prefix > key.MaxPrefixLength || (netmask.Contains('.', StringComparison.Ordinal) && key.Family != AddressFamily.InterNetwork))
            {
                errors.Add(new("spec.persistenceNetmask", $"\"{netmask}\" does not fit a {(key.Family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address"));
            }
            else
            {
                service = service with { NetmaskPrefixLength = prefix };
            }
        }

        ushort defaultPort = (ushort)(spec.Port ?? 0);
        var realServers = (spec.RealServers ?? []).Select(r => RealServer(r, defaultPort)).ToList();
        var sorry = spec.SorryServer is { } s ? RealServer(s, defaultPort) : null;
        var check = spec.HealthCheck is { } healthCheck ? Check(healthCheck) : null;
        if (check is { Port: null } && realServers.Any(r => r.Port == 0))
        {
            errors.Add(new("spec.healthCheck", "a real server without a port (firewall-mark service) needs the check's port"));
        }

        if (errors.Count > 0)
        {
            return new(null, errors);
        }

        return new(new VirtualServerDefinition(
            server.Metadata.Namespace ?? "",
            server.Metadata.Name ?? "",
            spec.VirtualIpRef,
            service,
            Forwarding(spec.Forwarding ?? VirtualServerDefaults.Forwarding),
            realServers,
            sorry,
            spec.InhibitOnFailure ?? false,
            spec.Quorum?.Minimum ?? 1,
            spec.Quorum?.Hysteresis ?? 0,
            check), errors);
    }

    private static ConfiguredRealServer RealServer(RealServer server, ushort defaultPort) =>
        new(IPAddress.Parse(server.Address), (ushort)(server.Port ?? defaultPort), server.Weight ?? VirtualServerDefaults.Weight);

    private static RealServerCheckSpec Check(HealthCheck check) => new(
        check.Tcp?.Port ?? check.Http?.Port,
        check.Http is { } http ? http.Path ?? VirtualServerDefaults.HttpPath : null,
        check.Http?.ExpectedStatus,
        check.Http?.BodyRegex,
        GoDuration.Parse(check.Tcp?.ConnectTimeout ?? check.Http?.ConnectTimeout ?? VirtualServerDefaults.ConnectTimeout),
        GoDuration.Parse(check.Interval ?? VirtualServerDefaults.HealthCheckInterval),
        check.Retries ?? VirtualServerDefaults.Retries,
        GoDuration.Parse(check.DelayBeforeRetry ?? VirtualServerDefaults.DelayBeforeRetry));

    /// <summary>"24" or a contiguous dotted mask (the validator has checked which).</summary>
    private static int PrefixLength(string netmask)
    {
        if (!netmask.Contains('.', StringComparison.Ordinal))
        {
            return int.Parse(netmask, CultureInfo.InvariantCulture);
        }

        return IPAddress.Parse(netmask).GetAddressBytes().Sum(b => System.Numerics.BitOperations.PopCount(b));
    }

    private static ServiceProtocol Protocol(string protocol) => protocol switch
    {
        "UDP" => ServiceProtocol.Udp,
        "SCTP" => ServiceProtocol.Sctp,
        _ => ServiceProtocol.Tcp,
    };

    private static PacketForwarding Forwarding(string forwarding) => forwarding switch
    {
        "DR" => PacketForwarding.DirectRoute,
        "TUN" => PacketForwarding.Tunnel,
        _ => PacketForwarding.Masquerade,
    };
}
