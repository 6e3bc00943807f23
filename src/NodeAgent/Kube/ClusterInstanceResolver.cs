using KeepOperator.Api;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Netlink;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>The instances a NodeAgentConfig asks for, bound to this host; the ones that cannot be run, with why.</summary>
public sealed record ClusterInstances(IReadOnlyList<string> Names, IReadOnlyList<VrrpInstanceSettings> Settings, IReadOnlyDictionary<string, string> Errors);

/// <summary>
/// Pure: binds every instance of a NodeAgentConfig's spec to this host with <see cref="InstanceBinder"/> (the operator
/// resolved them), refusing a second instance on the same router or address (<see cref="InstanceClaims"/>). Secrets come
/// through <c>readSecret</c>.
/// </summary>
public static class ClusterInstanceResolver
{
    public static ClusterInstances Resolve(NodeAgentConfig config, IReadOnlyList<InterfaceAddress> hostAddresses, Func<SecretKeySelector, string?> readSecret)
    {
        ArgumentNullException.ThrowIfNull(config);
        var names = new List<string>();
        var settings = new List<VrrpInstanceSettings>();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var claims = new InstanceClaims();
        foreach (var instance in config.Spec.Instances)
        {
            names.Add(instance.Name);
            var binding = InstanceBinder.Bind(instance, hostAddresses, readSecret);
            if (binding.Settings is not { } s)
            {
                errors[instance.Name] = string.Join("; ", binding.Errors.Select(e => $"{e.Path}: {e.Message}"));
                continue;
            }

            if (claims.Claim(s, instance.Name) is { } clash)
            {
                errors[instance.Name] = $"{clash.Path}: {clash.Message}";
                continue;
            }

            settings.Add(s);
        }

        return new ClusterInstances(names, settings, errors);
    }
}
