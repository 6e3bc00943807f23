using System.Net;
using FsCheck;
using FsCheck.Xunit;
using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Tests.Nftables;

public sealed class NftablesSchedulerPropertyTests
{
    /// <summary>
    /// Weighted schedulers give each live server weight/gcd slots (scaled past the bound, keeping at
    /// least one), servers of weight 0 none, and the table never outgrows the bound.
    /// </summary>
    [Property]
    public bool Weighted_slots_are_proportional_to_weights(NonEmptyArray<NonNegativeInt> raw, bool wrr)
    {
        var weights = raw.Get.Take(30).Select(w => w.Get * 7).ToArray();
        var service = new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.0.0.1"), 80)) { Scheduler = wrr ? "wrr" : "wlc" };
        var destinations = weights.Select((w, i) => NftablesSamples.Nat($"10.0.{i / 250}.{(i % 250) + 1}", 80, w)).ToArray();

        var slots = NftablesScheduler.Map(service, destinations).Slots;

        var live = weights.Where(w => w > 0).ToArray();
        long gcd = live.Aggregate(0L, (a, b) => Gcd(a, b));
        long total = gcd == 0 ? 0 : live.Sum(w => w / gcd);
        var counts = destinations.Select(d => slots.Count(s => ReferenceEquals(s, d))).ToArray();
        bool zeroGetNothing = weights.Zip(counts).All(p => p.First > 0 || p.Second == 0);
        bool proportional = total > NftablesScheduler.MaxSlots
            ? weights.Zip(counts).All(p => p.First == 0 || p.Second >= 1) && slots.Count <= NftablesScheduler.MaxSlots + live.Length
            : weights.Zip(counts).All(p => p.Second == p.First / Math.Max(gcd, 1));
        return zeroGetNothing && proportional;
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
