using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.ServiceModel;

// IPVS programming speed, for bench/ipvs-update.sh, which runs it inside the kernel lab's VM (the host kernel has no
// IPVS). SERVICES virtual servers x REALS real servers (wrr, NAT, distinct addresses):
//   render   prints the table as `ipvsadm -R` input (IpvsadmCommandRenderer, the commands our reconciler plans from
//            empty), for the reference;
//   program  programs the table from empty through IpvsDataplane (the agent's generic netlink path) and prints
//            `RESULT program MS`; then, UPDATES times, changes one real server's weight or removes it (alternately;
//            a removed one comes back in the next update) with the whole table as the desired state, as the agent
//            does, and prints `RESULT weight P50 P99` and `RESULT removal P50 P99` (ms, ApplyAsync's call to its
//            return: the kernel has acked every request); finally leaves the whole table in place, for the script to check;
//   plan     the same changes through IpvsDataplane over a transport that acks every request (no kernel: the planning
//            and encoding alone, natively), each beside the whole-table diff every apply made before the applied
//            table was kept (IpvsReconciler.Plan of the desired table against the previous one, encoded), interleaved,
//            each after a full collection (neither pays for the other's garbage), after 100 unmeasured changes (JIT
//            tiering; the agent itself ships NativeAOT); prints `RESULT dataplane weight|removal P50 P99` and
//            `RESULT wholediff weight|removal P50 P99` (ms, wall clock), and the same as `dataplane-cpu` and
//            `wholediff-cpu` in the thread's CPU time (without the time other processes had the core: on a shared
//            machine the wall clock's p99 is mostly theirs).
// usage: ipvsupdate render|program|plan SERVICES REALS [UPDATES]
if (args.Length < 3 || args[0] is not ("render" or "program" or "plan"))
{
    await Console.Error.WriteLineAsync("usage: ipvsupdate render|program|plan SERVICES REALS [UPDATES]");
    return 2;
}

var (services, reals) = (int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
var updates = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200;
var table = Enumerable.Range(0, services).Select(v => Service(v, reals)).ToArray();
if (args[0] == "render")
{
    foreach (var command in IpvsReconciler.Plan(table, [], _ => true))
    {
        Console.Out.Write(string.Join(' ', IpvsadmCommandRenderer.RenderArguments(command)));
        Console.Out.Write('\n');
    }

    return 0;
}

if (args[0] == "plan")
{
    const ushort family = 0x25;
    var acking = new AckingTransport();
    var planned = new IpvsDataplane(acking, family);
    await planned.ApplyAsync(table, CancellationToken.None);
    var (ours, oursCpu, whole, wholeCpu) = (new Samples(), new Samples(), new Samples(), new Samples());
    var warmup = 100;
    foreach (var (desired, before, removal) in Changes(table, services, updates + warmup))
    {
        GC.Collect(); // neither side pays for the other's garbage
        var (started, cpu) = (Stopwatch.GetTimestamp(), ThreadCpu.Milliseconds());
        await planned.ApplyAsync(desired, CancellationToken.None);
        var (ourTime, ourCpu) = (Stopwatch.GetElapsedTime(started).TotalMilliseconds, ThreadCpu.Milliseconds() - cpu);
        GC.Collect();
        (started, cpu) = (Stopwatch.GetTimestamp(), ThreadCpu.Milliseconds());
        acking.RequestAcked([.. IpvsDataplane.Requests(desired, before, _ => true, family, acking.NextSequence).Select(r => r.Request)]);
        var (wholeTime, wholeCpuTime) = (Stopwatch.GetElapsedTime(started).TotalMilliseconds, ThreadCpu.Milliseconds() - cpu);
        if (warmup-- <= 0)
        {
            ours.Add(removal, ourTime);
            oursCpu.Add(removal, ourCpu);
            whole.Add(removal, wholeTime);
            wholeCpu.Add(removal, wholeCpuTime);
        }
    }

    ours.Print("dataplane");
    whole.Print("wholediff");
    oursCpu.Print("dataplane-cpu");
    wholeCpu.Print("wholediff-cpu");
    return 0;
}

using var transport = new GenericNetlinkTransport();
if (IpvsDataplane.Probe(transport).FamilyId is not { } familyId)
{
    await Console.Error.WriteLineAsync("no IPVS in this kernel");
    return 1;
}

var dataplane = new IpvsDataplane(transport, familyId);
var start = Stopwatch.GetTimestamp();
await dataplane.ApplyAsync(table, CancellationToken.None);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT program {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F1}"));

var applied = new Samples();
foreach (var (desired, _, removal) in Changes(table, services, updates))
{
    start = Stopwatch.GetTimestamp();
    await dataplane.ApplyAsync(desired, CancellationToken.None);
    applied.Add(removal, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
}

applied.Print(null);
await dataplane.ApplyAsync(table, CancellationToken.None); // whole again, for the script to count
return 0;

// UPDATES desired tables, each one real server away from the one before: alternately a weight change and a removal (the
// removed one comes back in the next), spread over the table; with the table before it and whether it is a removal.
static IEnumerable<(LoadBalancedService[] Desired, LoadBalancedService[] Before, bool Removal)> Changes(LoadBalancedService[] table, int services, int updates)
{
    for (var k = 0; k < updates; k++)
    {
        var changed = table.ToArray();
        var index = k * 7919 % services;
        var service = changed[index];
        var removing = k % 2 == 1;
        changed[index] = service with
        {
            Destinations = removing
                ? service.Destinations.Skip(1).ToArray()
                : [service.Destinations[0] with { Weight = 2 + (k % 50) }, .. service.Destinations.Skip(1)],
        };
        yield return (changed, table, removing);
        table = removing ? [.. changed.Take(index), service, .. changed.Skip(index + 1)] : changed;
    }
}

static LoadBalancedService Service(int v, int reals)
{
    var key = ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse($"10.{100 + (v / 65536)}.{v / 256 % 256}.{v % 256}"), 80);
    return new LoadBalancedService(
        new VirtualService(key) { Scheduler = "wrr" },
        Enumerable.Range(0, reals).Select(r => new ServiceDestination(IPAddress.Parse($"10.{200 + r}.{v / 256 % 256}.{v % 256}"), 8080)
        {
            ForwardingMethod = PacketForwarding.Masquerade,
        }).ToArray());
}

/// <summary>Times of weight changes and removals; prints `RESULT [WHO ]weight|removal P50 P99`.</summary>
internal sealed class Samples
{
    private readonly List<double> _weight = [];
    private readonly List<double> _removal = [];

    public void Add(bool removal, double milliseconds) => (removal ? _removal : _weight).Add(milliseconds);

    public void Print(string? who)
    {
        var prefix = who is null ? "RESULT" : $"RESULT {who}";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{prefix} weight {Percentile(_weight, 0.5):F3} {Percentile(_weight, 0.99):F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{prefix} removal {Percentile(_removal, 0.5):F3} {Percentile(_removal, 0.99):F3}"));
    }

    private static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }
}

/// <summary>The calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID; the plan mode runs on one thread, awaiting completed tasks).</summary>
internal static partial class ThreadCpu
{
    private const int ThreadCpuTimeClock = 3;

    public static double Milliseconds() =>
        ClockGetTime(ThreadCpuTimeClock, out var time) == 0 ? (time.Seconds * 1e3) + (time.Nanoseconds / 1e6) : throw new IOException("clock_gettime failed");

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

/// <summary>A generic netlink transport without a kernel: the dump finds an empty table and every request is acked.</summary>
internal sealed class AckingTransport : IGenericNetlinkTransport
{
    private uint _sequence;

    public uint NextSequence() => ++_sequence;

    public IReadOnlyList<byte[]> Request(byte[] message) => [];

    public void RequestAcked(IReadOnlyList<byte[]> messages)
    {
    }
}
