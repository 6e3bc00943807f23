using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace KeepOperator.Api;

/// <summary>
/// Semantic rules for a <see cref="VirtualServer"/>: the rules of its CRD schema (including the CEL ones the stand-in
/// API server does not evaluate) and a few more, so the operator can report every problem in status.
/// </summary>
public static class VirtualServerValidator
{
    /// <summary>IPVS schedulers (ipvsadm -s).</summary>
    public static IReadOnlyList<string> Schedulers { get; } = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh", "fo", "ovf", "twos"];

    public static IReadOnlyList<string> Protocols { get; } = ["TCP", "UDP", "SCTP"];

    /// <summary>Direct routing, masquerading, IP-in-IP tunnelling.</summary>
    public static IReadOnlyList<string> ForwardingMethods { get; } = ["DR", "NAT", "TUN"];

    public static IReadOnlyList<FieldError> Validate(VirtualServer server, ValidationMode mode = ValidationMode.Cluster)
    {
        ArgumentNullException.ThrowIfNull(server);
        var errors = new List<FieldError>();
        if (server.ApiVersion != VirtualIp.GroupVersion)
        {
            errors.Add(new("apiVersion", $"must be \"{VirtualIp.GroupVersion}\", got \"{server.ApiVersion}\""));
        }

        if (server.Kind != VirtualServer.KindName)
        {
            errors.Add(new("kind", $"must be \"{VirtualServer.KindName}\", got \"{server.Kind}\""));
        }

        FieldRules.Metadata(server.Metadata, errors);
        if (server.Spec is null)
        {
            errors.Add(new("spec", "required"));
            return errors;
        }

        ValidateSpec(server.Spec, mode, errors);
        return errors;
    }

    private static void ValidateSpec(VirtualServerSpec spec, ValidationMode mode, List<FieldError> errors)
    {
        if (spec.VirtualIpRef is null)
        {
            if (spec.Address is null && spec.Fwmark is null)
            {
                errors.Add(new("spec", "needs virtualIpRef, or the static address (spec.address) it serves on"));
            }
        }
        else if (!FieldRules.IsDnsSubdomain(spec.VirtualIpRef))
        {
            errors.Add(new("spec.virtualIpRef", $"must be a VirtualIp name (a DNS subdomain), got \"{spec.VirtualIpRef}\""));
        }
        else if (spec.NodeSelector is not null)
        {
            errors.Add(new("spec.nodeSelector", "only for a static virtual server: with virtualIpRef, the VirtualIp's nodes serve it"));
        }

        FieldRules.NodeSelector(spec.NodeSelector, "spec.nodeSelector", errors);
        var family = spec.Address is null ? null : HostAddress(spec.Address, "spec.address", errors)?.AddressFamily;

        if ((spec.Port is null) == (spec.Fwmark is null))
        {
            errors.Add(new("spec", "must have exactly one of port and fwmark"));
        }

        FieldRules.Range(spec.Port, 1, 65535, "spec.port", errors);
        FieldRules.Range(spec.Fwmark, 1, int.MaxValue, "spec.fwmark", errors);
        OneOf(spec.Protocol, Protocols, "spec.protocol", errors);
        OneOf(spec.Scheduler, Schedulers, "spec.scheduler", errors);
        OneOf(spec.Forwarding, ForwardingMethods, "spec.forwarding", errors);
        FieldRules.Duration(spec.PersistenceTimeout, "spec.persistenceTimeout", errors);
        if (spec.PersistenceNetmask is { } netmask && !IsNetmask(netmask))
        {
            errors.Add(new("spec.persistenceNetmask", $"must be a netmask such as \"255.255.255.0\" or a prefix length such as \"24\", got \"{netmask}\""));
        }

        if (spec.RealServers is null && spec.ServiceRef is null)
        {
            errors.Add(new("spec", "needs realServers or serviceRef"));
        }

        ValidateRealServers(spec.RealServers, family, errors);
        ValidateServiceRef(spec.ServiceRef, mode, errors);
        ValidateHealthCheck(spec.HealthCheck, errors);
        if (spec.Fwmark is not null && spec.HealthCheck is { } check && (check.Tcp?.Port ?? check.Http?.Port) is null
            && spec.RealServers?.Any(r => r is { Port: null }) == true)
        {
            // Such a real server has no port of its own (the packet's is kept): nothing says where to check it.
            errors.Add(new("spec.healthCheck", "a real server without a port (firewall-mark service) needs the check's port"));
        }

        if (spec.SorryServer is { } sorry)
        {
            ValidateRealServer(sorry, "spec.sorryServer", family, errors);
        }

        if (spec.Quorum is { } quorum)
        {
            FieldRules.Range(quorum.Minimum, 1, int.MaxValue, "spec.quorum.minimum", errors);
            FieldRules.Range(quorum.Hysteresis, 0, int.MaxValue, "spec.quorum.hysteresis", errors);
        }
    }

    /// <summary>
    /// The address a valid virtual server serves on: spec.address when the VirtualIp has it (else null), the
    /// VirtualIp's first address when spec.address is absent. Without a VirtualIp (a static virtual server): spec.address,
    /// or for a firewall mark without one the unspecified address of its real servers' family (the mark selects the packets).
    /// </summary>
    public static IPAddress? ServedAddress(VirtualServerSpec spec, VirtualIpSpec? vip)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (vip is null)
        {
            return spec.Address is { } own ? IPAddress.Parse(own)
                : spec.RealServers is [{ } first, ..] && IPAddress.Parse(first.Address).AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any
                : IPAddress.Any;
        }

        var addresses = (vip.Addresses ?? [])
            .Select(text => VirtualIpValidator.TryParseAddress(text, out var address, out _, out _) ? address : null)
            .OfType<IPAddress>();
        return spec.Address is null ? addresses.FirstOrDefault() : addresses.FirstOrDefault(a => a.Equals(IPAddress.Parse(spec.Address)));
    }

    /// <summary>
    /// The rules that need the VirtualIp the server names (null for a static virtual server), for a server that passed
    /// <see cref="Validate"/>: its address is one of the VirtualIp's (checked first, alone), the real servers and the
    /// persistence netmask fit that address's family.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateOn(VirtualServerSpec spec, VirtualIp? vip)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (ServedAddress(spec, vip?.Spec) is not { } address)
        {
            return [new("spec.address", $"{spec.Address} is not an address of VirtualIp \"{vip!.Metadata.Name}\" ({string.Join(", ", vip.Spec.Addresses ?? [])})")];
        }

        var errors = new List<FieldError>();
        for (var i = 0; i < (spec.RealServers?.Count ?? 0); i++)
        {
            if (IPAddress.Parse(spec.RealServers![i].Address).AddressFamily != address.AddressFamily)
            {
                errors.Add(new($"spec.realServers[{i}].address", $"must be of the family of {address}, got \"{spec.RealServers[i].Address}\""));
            }
        }

        if (spec.SorryServer is { } sorry && IPAddress.Parse(sorry.Address).AddressFamily != address.AddressFamily)
        {
            errors.Add(new("spec.sorryServer.address", $"must be of the family of {address}, got \"{sorry.Address}\""));
        }

        var ipv4 = address.AddressFamily == AddressFamily.InterNetwork;
        if (spec.PersistenceNetmask is { } netmask
            && (PrefixLength(netmask) > (ipv4 ? 32 : 128) || (netmask.Contains('.', StringComparison.Ordinal) && !ipv4)))
        {
            errors.Add(new("spec.persistenceNetmask", $"\"{netmask}\" does not fit an {(ipv4 ? "IPv4" : "IPv6")} address ({address})"));
        }

        return errors;
    }

    /// <summary>A valid netmask ("24", or a contiguous dotted mask) as a prefix length.</summary>
    internal static int PrefixLength(string netmask) =>
        netmask.Contains('.', StringComparison.Ordinal)
            ? IPAddress.Parse(netmask).GetAddressBytes().Sum(b => System.Numerics.BitOperations.PopCount(b))
            : int.Parse(netmask, CultureInfo.InvariantCulture);

    private static void ValidateRealServers(List<RealServer>? servers, AddressFamily? family, List<FieldError> errors)
    {
        if (servers is null)
        {
            return;
        }

        var seen = new Dictionary<(IPAddress, int?), int>();
        for (var i = 0; i < servers.Count; i++)
        {
            var path = $"spec.realServers[{i}]";
            if (servers[i] is not { } server)
            {
                errors.Add(new(path, "must not be null"));
                continue;
            }

            if (ValidateRealServer(server, path, family, errors) is { } address && !seen.TryAdd((address, server.Port), i))
            {
                errors.Add(new(path, $"duplicate real server {server.Address}:{server.Port?.ToString(CultureInfo.InvariantCulture) ?? "(virtual server's port)"} (also spec.realServers[{seen[(address, server.Port)]}])"));
            }
        }
    }

    /// <returns>The server's address when it parses.</returns>
    private static IPAddress? ValidateRealServer(RealServer server, string path, AddressFamily? family, List<FieldError> errors)
    {
        var address = HostAddress(server.Address, path + ".address", errors);
        if (address is not null && family is { } wanted && address.AddressFamily != wanted)
        {
            errors.Add(new(path + ".address", $"must be of the virtual server's address family, got \"{server.Address}\""));
        }

        FieldRules.Range(server.Port, 1, 65535, path + ".port", errors);
        FieldRules.Range(server.Weight, 0, 65535, path + ".weight", errors);
        return address;
    }

    private static void ValidateServiceRef(ServiceReference? serviceRef, ValidationMode mode, List<FieldError> errors)
    {
        if (serviceRef is null)
        {
            return;
        }

        if (mode == ValidationMode.Standalone)
        {
            errors.Add(new("spec.serviceRef", "needs a cluster; list realServers in a standalone configuration"));
        }

        if (string.IsNullOrEmpty(serviceRef.Name) || !FieldRules.IsDnsLabel(serviceRef.Name))
        {
            errors.Add(new("spec.serviceRef.name", $"must be a Service name (a DNS label), got \"{serviceRef.Name}\""));
        }

        if (serviceRef.Port is { Length: 0 })
        {
            errors.Add(new("spec.serviceRef.port", "must be a port name or number, got \"\""));
        }
    }

    private static void ValidateHealthCheck(HealthCheck? check, List<FieldError> errors)
    {
        if (check is null)
        {
            return;
        }

        const string path = "spec.healthCheck";
        if ((check.Tcp is null) == (check.Http is null))
        {
            errors.Add(new(path, "must have exactly one of tcp and http"));
        }

        FieldRules.PositiveDuration(check.Interval, path + ".interval", errors);
        FieldRules.Range(check.Retries, 1, int.MaxValue, path + ".retries", errors);
        FieldRules.Duration(check.DelayBeforeRetry, path + ".delayBeforeRetry", errors);
        if (check.Tcp is { } tcp)
        {
            FieldRules.Range(tcp.Port, 1, 65535, path + ".tcp.port", errors);
            FieldRules.PositiveDuration(tcp.ConnectTimeout, path + ".tcp.connectTimeout", errors);
        }

        if (check.Http is { } http)
        {
            if (http.Path is { } urlPath && (!urlPath.StartsWith('/') || urlPath.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            {
                errors.Add(new(path + ".http.path", $"must be a URL path starting with '/' (no spaces), got \"{urlPath}\""));
            }

            FieldRules.Range(http.Port, 1, 65535, path + ".http.port", errors);
            if (http.ExpectedStatus is { } expected && !HttpStatusRanges.TryParse(expected, out _, out var statusError))
            {
                errors.Add(new(path + ".http.expectedStatus", statusError));
            }

            if (http.BodyRegex is { } pattern && !IsRegex(pattern))
            {
                errors.Add(new(path + ".http.bodyRegex", $"must be a valid regular expression, got \"{pattern}\""));
            }

            if (http.Digest is { } digest && (digest.Length != 32 || !digest.All(char.IsAsciiHexDigit)))
            {
                errors.Add(new(path + ".http.digest", $"must be an MD5 digest (32 hex digits), got \"{digest}\""));
            }

            FieldRules.PositiveDuration(http.ConnectTimeout, path + ".http.connectTimeout", errors);
        }
    }

    /// <summary>A single host address (no prefix), or null after adding an error.</summary>
    private static IPAddress? HostAddress(string? text, string path, List<FieldError> errors)
    {
        if (VirtualIpValidator.TryParseAddress(text, out var address, out _, out var hasPrefix) && !hasPrefix)
        {
            return address;
        }

        errors.Add(new(path, $"must be an IP address such as \"10.0.0.5\" or \"2001:db8::5\", got \"{text}\""));
        return null;
    }

    private static void OneOf(string? value, IReadOnlyList<string> allowed, string path, List<FieldError> errors)
    {
        if (value is not null && !allowed.Contains(value))
        {
            errors.Add(new(path, $"must be one of {string.Join(", ", allowed)}, got \"{value}\""));
        }
    }

    /// <summary>A prefix length (0-128) or a contiguous dotted IPv4 netmask.</summary>
    private static bool IsNetmask(string text)
    {
        if (text.Length is > 0 and <= 3 && text.All(char.IsAsciiDigit))
        {
            return int.Parse(text, CultureInfo.InvariantCulture) <= 128;
        }

        if (!VirtualIpValidator.TryParseAddress(text, out var mask, out _, out var hasPrefix) || hasPrefix || mask.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }

        var bits = ~BitConverter.ToUInt32([.. mask.GetAddressBytes().Reverse()]);
        return (bits & (bits + 1)) == 0; // the inverted mask is 0...01...1
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
