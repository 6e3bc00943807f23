using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Pools;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>One accepted pool as the allocator sees it: its ranges, its rules for which Services it serves, its order.</summary>
public sealed class PoolAddresses
{
    public PoolAddresses(VirtualIpPool pool)
    {
        Name = pool.Metadata.Name ?? "";
        Ranges = VirtualIpPoolValidator.Ranges(pool);
        AutoAssign = pool.Spec.AutoAssign ?? true;
        AvoidBuggyIPs = pool.Spec.AvoidBuggyIPs ?? false;
        Allocation = pool.Spec.ServiceAllocation;
    }

    public string Name { get; }

    public IReadOnlyList<AddressRange> Ranges { get; }

    public bool AutoAssign { get; }

    public bool AvoidBuggyIPs { get; }

    public ServiceAllocation? Allocation { get; }

    /// <summary>Unset priorities come after every set one (MetalLB: lower is preferred).</summary>
    public int Priority => Allocation?.Priority ?? int.MaxValue;

    public bool Has(AddressFamily family) => Ranges.Any(r => r.Family == family);

    /// <summary>An address of the pool that may be handed out (not a .0 or .255 when the pool avoids them).</summary>
    public bool Offers(IPAddress address) => Ranges.Any(r => r.Contains(address)) && !IsBuggy(address);

    /// <summary>The namespace and Service selectors: every one given must let the Service in.</summary>
    public bool Serves(AddressRequest request)
    {
        if (Allocation is null)
        {
            return true;
        }
        return (Allocation.Namespaces is not { Count: > 0 } namespaces || namespaces.Contains(request.Namespace, StringComparer.Ordinal))
            && (Allocation.NamespaceSelectors is not { Count: > 0 } ns || ns.Any(s => LabelMatch.Matches(s, request.NamespaceLabels)))
            && (Allocation.ServiceSelectors is not { Count: > 0 } svc || svc.Any(s => LabelMatch.Matches(s, request.Labels)));
    }

    /// <summary>The pool's addresses of <paramref name="family"/> in order, the avoided ones left out; lazily, as an IPv6 range is huge.</summary>
    public IEnumerable<IPAddress> Candidates(AddressFamily family)
    {
        foreach (var range in Ranges.Where(r => r.Family == family))
        {
            for (var n = range.First; ; n++)
            {
                var address = AddressRange.ToAddress(family, n);
                if (!IsBuggy(address))
                {
                    yield return address;
                }
                if (n == range.Last)
                {
                    break;
                }
            }
        }
    }

    /// <summary>How many addresses of <paramref name="family"/> may be handed out.</summary>
    public UInt128 Size(AddressFamily family)
    {
        UInt128 total = 0;
        foreach (var range in Ranges.Where(r => r.Family == family))
        {
            total += range.Count - (AvoidBuggyIPs && family == AddressFamily.InterNetwork ? BuggyIn(range) : 0);
        }
        return total;
    }

    private bool IsBuggy(IPAddress address) =>
        AvoidBuggyIPs && address.AddressFamily == AddressFamily.InterNetwork && (byte)AddressRange.ToNumber(address) is 0 or 0xff;

    /// <summary>The .0 and .255 addresses in <paramref name="range"/>: numbers below n ending in 0 are ceil(n/256), in 255 are n/256.</summary>
    private static UInt128 BuggyIn(AddressRange range)
    {
        static UInt128 Below(UInt128 n) => (n + 255) / 256 + n / 256;
        return Below(range.Last + 1) - Below(range.First);
    }
}
