using System.Net;
using System.Net.Sockets;
using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Config;

/// <summary>The outcome of <see cref="InstanceBinder.Bind"/>: settings, or what this node cannot give the instance.</summary>
public sealed record InstanceBinding(VrrpInstanceSettings? Settings, IReadOnlyList<FieldError> Errors)
{
    public bool Succeeded => Settings is not null;
}

/// <summary>
/// Pure: binds a resolved <see cref="VrrpInstance"/> to this node: the interface that holds its addresses, the primary
/// address advertisements go from, the password's value. It checks only what the node knows (its interfaces, the
/// Secret); the instance itself was validated and resolved once, before it got here.
/// </summary>
public static class InstanceBinder
{
    /// <param name="readSecret">Reads a passwordSecretRef or urlSecretRef (cluster); without it a secret reference is an error.</param>
    public static InstanceBinding Bind(VrrpInstance instance, IReadOnlyList<InterfaceAddress> hostAddresses, Func<SecretKeySelector, string?>? readSecret = null)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(hostAddresses);

        var errors = new List<FieldError>();
        var (interfaceName, interfaceIndex, primary) = ChooseInterface(instance, hostAddresses, errors);
        var password = instance.Password;
        if (instance.PasswordSecretRef is { } secretRef)
        {
            password = readSecret?.Invoke(secretRef);
            if (password is null)
            {
                errors.Add(new("spec.authentication.passwordSecretRef", $"cannot read Secret {secretRef.Namespace}/{secretRef.Name} key {secretRef.Key}"));
            }
            else if (System.Text.Encoding.UTF8.GetByteCount(password) is 0 or > 8)
            {
                errors.Add(new("spec.authentication.passwordSecretRef", "the Secret's password must be 1 to 8 bytes"));
            }
        }

        var webhooks = Webhooks(instance, readSecret, errors);
        var (source, peers) = primary is null ? (null, null) : Unicast(instance, interfaceIndex, primary, hostAddresses, errors);
        if (errors.Count > 0)
        {
            return new(null, errors);
        }

        var router = new VrrpRouterConfig(
            instance.Name,
            instance.Version,
            (byte)instance.VirtualRouterId,
            (byte)instance.Priority,
            instance.AdvertInterval,
            instance.Preempt,
            instance.PreemptDelay,
            source!,
            [.. instance.Addresses.Select(a => a.Address)],
            peers);
        return new(new VrrpInstanceSettings(instance.Name, router, interfaceName!, interfaceIndex, instance.Addresses, password, instance.GratuitousArp, instance.Track, primary!, instance.Notify, instance.Vmac, instance.TrackInterfaces, instance.SyncGroup, webhooks, instance.ConnectionSync), errors);
    }

    /// <summary>
    /// The webhooks with their URLs, a urlSecretRef's read and checked as an inline one is (a missing Secret stops the
    /// instance as a password's does: the operator's SecretMissing condition says so before it gets here).
    /// </summary>
    private static List<WebhookTarget>? Webhooks(VrrpInstance instance, Func<SecretKeySelector, string?>? readSecret, List<FieldError> errors)
    {
        if (instance.Webhooks is not { Count: > 0 } webhooks)
        {
            return null;
        }

        var targets = new List<WebhookTarget>(webhooks.Count);
        for (var i = 0; i < webhooks.Count; i++)
        {
            var webhook = webhooks[i];
            var url = webhook.Url;
            var path = $"spec.webhooks[{i}].url";
            if (webhook.UrlSecretRef is { } secretRef)
            {
                path = $"spec.webhooks[{i}].urlSecretRef";
                url = readSecret?.Invoke(secretRef)?.Trim();
                if (url is null)
                {
                    errors.Add(new(path, $"cannot read Secret {secretRef.Namespace}/{secretRef.Name} key {secretRef.Key}"));
                    continue;
                }
            }

            if (VirtualIpValidator.WebhookUrlError(url ?? "") is { } error)
            {
                errors.Add(new(path, $"the webhook URL {error}"));
                continue;
            }

            targets.Add(new WebhookTarget(new Uri(url!), webhook.CaBundle, webhook.Timeout, webhook.Attempts));
        }

        return targets;
    }

    /// <summary>
    /// The advert source and the unicast peers less this host's own addresses, so that one list can serve every router.
    /// The source: the one given (it must be on the interface), else this host's address among the peers on the
    /// interface (what the others expect to hear from), else the interface's primary address.
    /// </summary>
    private static (IPAddress? Source, IReadOnlyList<IPAddress>? Peers) Unicast(
        VrrpInstance instance, int interfaceIndex, IPAddress primary, IReadOnlyList<InterfaceAddress> hostAddresses, List<FieldError> errors)
    {
        if (instance.Unicast is not { } unicast)
        {
            return (primary, null);
        }

        bool OnInterface(IPAddress address) => hostAddresses.Any(h => h.InterfaceIndex == interfaceIndex && h.Address.Equals(address));
        var source = unicast.SourceAddress ?? unicast.Peers.FirstOrDefault(OnInterface) ?? primary;
        if (!OnInterface(source))
        {
            errors.Add(new("spec.unicast.sourceAddress",
                $"unicast source {source} (in a cluster, the node's InternalIP) is not on the interface holding the virtual addresses; in a cluster, list spec.unicast.peers to send from the interface's own address"));
            return (null, null);
        }

        return (source, [.. unicast.Peers.Where(p => !hostAddresses.Any(h => h.Address.Equals(p)))]);
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
        VrrpInstance instance,
        IReadOnlyList<InterfaceAddress> hostAddresses,
        List<FieldError> errors)
    {
        var vips = instance.Addresses;
        var family = vips[0].Address.AddressFamily;
        var familyName = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
        bool IsVip(IPAddress a) => vips.Any(v => v.Address.Equals(a));

        string interfaceName;
        int interfaceIndex;
        if (instance.Interface is { } wanted)
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
            errors.Add(new(instance.Interface is null ? "spec.addresses[0]" : "spec.interface", $"interface {interfaceName} has no {what} to send {familyName} advertisements from"));
            return (null, 0, null);
        }

        return (interfaceName, interfaceIndex, primary);
    }
}
