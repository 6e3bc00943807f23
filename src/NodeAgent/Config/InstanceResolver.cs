using System.Net;
using System.Net.Sockets;
using KeepOperator.Api;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Config;

/// <summary>The outcome of <see cref="InstanceResolver.Resolve"/>: settings, or the errors that prevent them; warnings either way.</summary>
public sealed record InstanceResolution(VrrpInstanceSettings? Settings, IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Warnings)
{
    public bool Succeeded => Settings is not null;
}

/// <summary>
/// Pure: turns a <see cref="VirtualIp"/> into the settings of its VRRP instance on one node, given the node's name and
/// its interface addresses.
/// </summary>
public static class InstanceResolver
{
    /// <param name="readSecret">Reads a passwordSecretRef (cluster); without it a secret reference is an error.</param>
    public static InstanceResolution Resolve(
        VirtualIp vip,
        string nodeName,
        IReadOnlyList<InterfaceAddress> hostAddresses,
        Func<SecretKeySelector, string?>? readSecret = null)
    {
        ArgumentNullException.ThrowIfNull(vip);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        ArgumentNullException.ThrowIfNull(hostAddresses);

        var warnings = new List<FieldError>();
        var invalid = VirtualIpValidator.Validate(vip, ValidationMode.Cluster);
        if (invalid.Count > 0)
        {
            return new(null, invalid, warnings);
        }

        var errors = new List<FieldError>();
        var spec = vip.Spec;
        var name = string.IsNullOrEmpty(vip.Metadata.Namespace) ? vip.Metadata.Name! : $"{vip.Metadata.Namespace}/{vip.Metadata.Name}";

        var vrid = spec.VirtualRouterId ?? vip.Status?.VirtualRouterId;
        if (vrid is null)
        {
            errors.Add(new("spec.virtualRouterId", "required: the spec gives none and the operator has not assigned one"));
        }

        var version = (VrrpVersion)(spec.VrrpVersion ?? VirtualIpDefaults.VrrpVersion);
        var advertInterval = GoDuration.Parse(spec.AdvertInterval ?? VirtualIpDefaults.AdvertInterval);
        var preemptDelay = GoDuration.Parse(spec.PreemptDelay ?? VirtualIpDefaults.PreemptDelay);

        var addresses = new List<VirtualAddress>(spec.Addresses.Count);
        foreach (var text in spec.Addresses)
        {
            VirtualIpValidator.TryParseAddress(text, out var address, out var prefixLength, out _);
            addresses.Add(new VirtualAddress(address, prefixLength));
        }

        var priority = PriorityFor(spec, nodeName);
        var (interfaceName, interfaceIndex, primary) = ChooseInterface(spec, addresses, hostAddresses, errors);

        string? password = null;
        if (spec.Authentication is { } auth)
        {
            password = auth.Password;
            if (auth.PasswordSecretRef is { } secretRef)
            {
                password = readSecret?.Invoke(secretRef);
                if (password is null)
                {
                    errors.Add(new("spec.authentication.passwordSecretRef", $"cannot read Secret {secretRef.Namespace ?? vip.Metadata.Namespace}/{secretRef.Name} key {secretRef.Key}"));
                }
                else if (System.Text.Encoding.UTF8.GetByteCount(password) is 0 or > 8)
                {
                    errors.Add(new("spec.authentication.passwordSecretRef", "the Secret's password must be 1 to 8 bytes"));
                }
            }
        }

        var garp = spec.GratuitousArp is { } g
            ? new GratuitousArpSettings(
                g.Repeat ?? VirtualIpDefaults.GratuitousArpRepeat,
                GoDuration.Parse(g.Delay ?? VirtualIpDefaults.GratuitousArpDelay),
                GoDuration.Parse(g.RefreshInterval ?? VirtualIpDefaults.GratuitousArpRefreshInterval))
            : GratuitousArpSettings.Default;

        var track = new List<TrackCheckSettings>();
        for (var i = 0; i < (spec.Track?.Count ?? 0); i++)
        {
            var check = spec.Track![i];
            TrackTarget target;
            if (check.Tcp is { } tcp)
            {
                target = new TcpTrackTarget(tcp.Host ?? VirtualIpDefaults.TcpHost, tcp.Port!.Value);
            }
            else if (check.Http is { } http)
            {
                target = new HttpTrackTarget(new Uri(http.Url!), HttpStatusRanges.Parse(http.ExpectedStatus ?? VirtualIpDefaults.HttpExpectedStatus));
            }
            else
            {
                warnings.Add(new($"spec.track[{i}]", $"pods check \"{check.Name}\" is evaluated by the operator; the agent ignores it"));
                continue;
            }

            track.Add(new TrackCheckSettings(
                check.Name!,
                target,
                check.Weight ?? VirtualIpDefaults.TrackWeight,
                GoDuration.Parse(check.Interval ?? VirtualIpDefaults.TrackInterval),
                GoDuration.Parse(check.Timeout ?? VirtualIpDefaults.TrackTimeout),
                check.Rise ?? VirtualIpDefaults.TrackRise,
                check.Fall ?? VirtualIpDefaults.TrackFall));
        }

        if (spec.NodeSelector is { Count: > 0 })
        {
            warnings.Add(new("spec.nodeSelector", "evaluated by the operator; the agent ignores it"));
        }

        if (errors.Count > 0)
        {
            return new(null, errors, warnings);
        }

        var router = new VrrpRouterConfig(
            name,
            version,
            (byte)vrid!.Value,
            (byte)priority,
            advertInterval,
            spec.Preempt ?? VirtualIpDefaults.Preempt,
            preemptDelay,
            primary!,
            addresses.Select(a => a.Address).ToList());
        return new(new VrrpInstanceSettings(name, router, interfaceName!, interfaceIndex, addresses, password, garp, track), errors, warnings);
    }

    /// <summary>The priorities entry for this node (node names compare case-insensitively), else defaultPriority, else 100.</summary>
    public static int PriorityFor(VirtualIpSpec spec, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var entry = spec.Priorities?.FirstOrDefault(p => string.Equals(p.NodeName, nodeName, StringComparison.OrdinalIgnoreCase));
        return entry?.Priority ?? spec.DefaultPriority ?? VirtualIpDefaults.Priority;
    }

    /// <summary>True when <paramref name="address"/> lies in <paramref name="network"/>/<paramref name="prefixLength"/>.</summary>
    public static bool SubnetContains(IPAddress network, int prefixLength, IPAddress address)
    {
        if (network.AddressFamily != address.AddressFamily)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        network.TryWriteBytes(a, out var length);
        address.TryWriteBytes(b, out _);
        var bits = Math.Clamp(prefixLength, 0, length * 8);
        var whole = bits / 8;
        if (!a[..whole].SequenceEqual(b[..whole]))
        {
            return false;
        }

        var rest = bits % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[whole] & mask) == (b[whole] & mask);
    }

    private static (string? Name, int Index, IPAddress? Primary) ChooseInterface(
        VirtualIpSpec spec,
        List<VirtualAddress> vips,
        IReadOnlyList<InterfaceAddress> hostAddresses,
        List<FieldError> errors)
    {
        var family = vips[0].Address.AddressFamily;
        var familyName = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
        bool IsVip(IPAddress a) => vips.Any(v => v.Address.Equals(a));

        string interfaceName;
        int interfaceIndex;
        if (spec.Interface is { } wanted)
        {
            var onInterface = hostAddresses.FirstOrDefault(h => h.InterfaceName == wanted);
            if (onInterface is null)
            {
                errors.Add(new("spec.interface", $"interface \"{wanted}\" does not exist on this node or has no address"));
                return (null, 0, null);
            }

            interfaceName = wanted;
            interfaceIndex = onInterface.InterfaceIndex;
        }
        else
        {
            var first = vips[0].Address;
            var candidates = hostAddresses
                .Where(h => h.Address.AddressFamily == family && !IsVip(h.Address) && SubnetContains(h.Address, h.PrefixLength, first))
                .OrderByDescending(h => h.PrefixLength)
                .ToList();
            if (candidates.Count == 0)
            {
                errors.Add(new("spec.addresses[0]", $"no interface on this node has a subnet holding {first}; set spec.interface"));
                return (null, 0, null);
            }

            var best = candidates[0];
            var rival = candidates.FirstOrDefault(c => c.PrefixLength == best.PrefixLength && c.InterfaceIndex != best.InterfaceIndex);
            if (rival is not null)
            {
                errors.Add(new("spec.addresses[0]", $"{first} is in subnets of both {best.InterfaceName} and {rival.InterfaceName}; set spec.interface"));
                return (null, 0, null);
            }

            interfaceName = best.InterfaceName;
            interfaceIndex = best.InterfaceIndex;
        }

        var primary = family == AddressFamily.InterNetwork
            ? hostAddresses.FirstOrDefault(h => h.InterfaceIndex == interfaceIndex && h.Address.AddressFamily == family && !IsVip(h.Address))?.Address
            : hostAddresses.FirstOrDefault(h => h.InterfaceIndex == interfaceIndex && h.Address.IsIPv6LinkLocal)?.Address;
        if (primary is null)
        {
            var what = family == AddressFamily.InterNetwork ? "IPv4 address (other than the virtual addresses)" : "IPv6 link-local (fe80::/10) address";
            errors.Add(new(spec.Interface is null ? "spec.addresses[0]" : "spec.interface", $"interface {interfaceName} has no {what} to send {familyName} advertisements from"));
            return (null, 0, null);
        }

        return (interfaceName, interfaceIndex, primary);
    }
}
