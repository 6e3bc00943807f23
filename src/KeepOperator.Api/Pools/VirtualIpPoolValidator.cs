using System.Net.Sockets;

namespace KeepOperator.Api.Pools;

/// <summary>The rules of one <see cref="VirtualIpPool"/>; the rules between pools are <see cref="PoolOverlaps"/>'.</summary>
public static class VirtualIpPoolValidator
{
    public const string IpModeVip = "VIP";
    public const string IpModeProxy = "Proxy";

    public static IReadOnlyList<FieldError> Validate(VirtualIpPool pool)
    {
        var errors = new List<FieldError>();
        var spec = pool.Spec;
        var ranges = new List<AddressRange>();
        if (spec.Addresses is not { Count: > 0 })
        {
            errors.Add(new("spec.addresses", "must list at least one CIDR, range or address"));
        }
        foreach (var (text, i) in (spec.Addresses ?? []).Select((t, i) => (t, i)))
        {
            if (!AddressRange.TryParse(text, out var range, out var error))
            {
                errors.Add(new($"spec.addresses[{i}]", error));
                continue;
            }
            if (ranges.FirstOrDefault(range.Overlaps) is { } other)
            {
                errors.Add(new($"spec.addresses[{i}]", $"{range} overlaps {other} in the same pool"));
            }
            ranges.Add(range);
        }
        if (spec.IpMode is { } mode && mode is not (IpModeVip or IpModeProxy))
        {
            errors.Add(new("spec.ipMode", $"must be {IpModeVip} or {IpModeProxy}, got \"{mode}\""));
        }
        if (spec.ServiceAllocation?.Priority is < 0)
        {
            errors.Add(new("spec.serviceAllocation.priority", $"must not be negative, got {spec.ServiceAllocation.Priority}"));
        }
        ValidateSelectors(spec.ServiceAllocation?.NamespaceSelectors, "spec.serviceAllocation.namespaceSelectors", errors);
        ValidateSelectors(spec.ServiceAllocation?.ServiceSelectors, "spec.serviceAllocation.serviceSelectors", errors);

        // The template is checked as the VirtualIp it becomes, once per family the pool holds: one set of rules.
        foreach (var family in ranges.Select(r => r.Family).Distinct())
        {
            var sample = ranges.First(r => r.Family == family).Start;
            var vip = new VirtualIp { Metadata = new ObjectMeta { Name = "template" }, Spec = PoolVirtualIps.Spec(spec.VirtualIp, [sample]) };
            foreach (var error in VirtualIpValidator.Validate(vip).Where(e => e.Path.StartsWith("spec.", StringComparison.Ordinal) && !e.Path.StartsWith("spec.addresses", StringComparison.Ordinal)))
            {
                errors.Add(new(error.Path.Replace("spec.", "spec.virtualIp.", StringComparison.Ordinal), $"{error.Message} (for the pool's {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} addresses)"));
            }
        }
        return errors;
    }

    /// <summary>The pool's ranges, for a pool <see cref="Validate"/> accepted.</summary>
    public static IReadOnlyList<AddressRange> Ranges(VirtualIpPool pool) =>
        [.. pool.Spec.Addresses.Select(a => AddressRange.TryParse(a, out var r, out _) ? r : null).OfType<AddressRange>()];

    private static void ValidateSelectors(List<LabelSelector>? selectors, string path, List<FieldError> errors)
    {
        foreach (var (selector, i) in (selectors ?? []).Select((s, i) => (s, i)))
        {
            foreach (var (requirement, j) in (selector.MatchExpressions ?? []).Select((r, j) => (r, j)))
            {
                VirtualIpValidator.ValidateRequirement(requirement, $"{path}[{i}].matchExpressions[{j}]", errors);
            }
        }
    }
}
