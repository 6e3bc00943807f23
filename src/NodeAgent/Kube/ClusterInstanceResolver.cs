using KeepOperator.Api;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Netlink;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>The instances a NodeAgentConfig asks for, resolved for this host; the ones that cannot be run, with why.</summary>
public sealed record ClusterInstances(IReadOnlyList<string> Names, IReadOnlyList<VrrpInstanceSettings> Settings, IReadOnlyDictionary<string, string> Errors);

/// <summary>
/// Pure: resolves every entry of a NodeAgentConfig's spec with <see cref="InstanceResolver"/> (cluster validation),
/// refusing a second instance on the same (interface, family, VRID) or VIP. Secrets come through <c>readSecret</c>.
/// </summary>
public static class ClusterInstanceResolver
{
    public static ClusterInstances Resolve(
        NodeAgentConfig config,
        string nodeName,
        IReadOnlyList<InterfaceAddress> hostAddresses,
        Func<SecretKeySelector, string?> readSecret)
    {
        ArgumentNullException.ThrowIfNull(config);
        var names = new List<string>();
        var settings = new List<VrrpInstanceSettings>();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var routers = new Dictionary<(int, System.Net.Sockets.AddressFamily, byte), string>();
        var owners = new Dictionary<System.Net.IPAddress, string>();
        for (var i = 0; i < config.Spec.Instances.Count; i++)
        {
            var entry = config.Spec.Instances[i];
            names.Add(entry.Name);
            var vip = new VirtualIp { Metadata = new ObjectMeta { Name = entry.Name, Generation = entry.Generation }, Spec = entry.Spec };
            var resolution = InstanceResolver.Resolve(vip, nodeName, hostAddresses, readSecret);
            if (resolution.Settings is not { } s)
            {
                errors[entry.Name] = string.Join("; ", resolution.Errors.Select(e => $"{e.Path}: {e.Message}"));
                continue;
            }

            var key = (s.InterfaceIndex, s.Router.PrimaryAddress.AddressFamily, s.Router.VirtualRouterId);
            if (routers.TryGetValue(key, out var other))
            {
                errors[entry.Name] = $"spec.virtualRouterId: VRID {key.VirtualRouterId} is already used on {s.InterfaceName} by {other}";
                continue;
            }

            var clash = s.VirtualAddresses.FirstOrDefault(a => owners.ContainsKey(a.Address));
            if (clash is not null)
            {
                errors[entry.Name] = $"spec.addresses: {clash.Address} is already held by {owners[clash.Address]}";
                continue;
            }

            routers.Add(key, entry.Name);
            foreach (var address in s.VirtualAddresses)
            {
                owners.Add(address.Address, entry.Name);
            }

            settings.Add(s);
        }

        return new ClusterInstances(names, settings, errors);
    }
}
