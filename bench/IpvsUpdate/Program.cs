using System.Diagnostics;
using System.Globalization;
using System.Net;
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
//            return: the kernel has acked every request); finally leaves the whole table in place, for the script to check.
// usage: ipvsupdate render|program SERVICES REALS [UPDATES]
if (args.Length < 3 || args[0] is not ("render" or "program"))
{
    await Console.Error.WriteLineAsync("usage: ipvsupdate render|program SERVICES REALS [UPDATES]");
    return 2;
}

var (services, reals) = (int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[2], CultureInfo.InvariantCulture));
var updates = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200;
var table = Enumerable.Range(0, services).Select(Service).ToArray();
if (args[0] == "render")
{
    foreach (var command in IpvsReconciler.Plan(table, [], _ => true))
    {
        Console.Out.Write(string.Join(' ', IpvsadmCommandRenderer.RenderArguments(command)));
        Console.Out.Write('\n');
    }

    return 0;
}

using var transport = new GenericNetlinkTransport();
if (IpvsDataplane.Probe(transport).FamilyId is not { } family)
{
    await Console.Error.WriteLineAsync("no IPVS in this kernel");
    return 1;
}

var dataplane = new IpvsDataplane(transport, family);
var started = Stopwatch.GetTimestamp();
await dataplane.ApplyAsync(table, CancellationToken.None);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT program {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1}"));

var weight = new List<double>();
var removal = new List<double>();
for (var k = 0; k < updates; k++)
{
    var changed = table.ToArray();
    var index = k * 7919 % services; // spread over the table
    var service = changed[index];
    var removing = k % 2 == 1;
    changed[index] = service with
    {
        Destinations = removing
            ? service.Destinations.Skip(1).ToArray()
            : [service.Destinations[0] with { Weight = 2 + (k % 50) }, .. service.Destinations.Skip(1)],
    };
    started = Stopwatch.GetTimestamp();
    await dataplane.ApplyAsync(changed, CancellationToken.None);
    (removing ? removal : weight).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    table = removing ? [.. changed.Take(index), service, .. changed.Skip(index + 1)] : changed; // the removed one returns next time
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT weight {Percentile(weight, 0.5):F3} {Percentile(weight, 0.99):F3}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT removal {Percentile(removal, 0.5):F3} {Percentile(removal, 0.99):F3}"));
await dataplane.ApplyAsync(table, CancellationToken.None); // whole again, for the script to count
return 0;

static LoadBalancedService Service(int v)
{
    var key = ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse($"10.{100 + (v / 65536)}.{v / 256 % 256}.{v % 256}"), 80);
    return new LoadBalancedService(
        new VirtualService(key) { Scheduler = "wrr" },
        Enumerable.Range(0, 4).Select(r => new ServiceDestination(IPAddress.Parse($"10.{200 + r}.{v / 256 % 256}.{v % 256}"), 8080)
        {
            ForwardingMethod = PacketForwarding.Masquerade,
        }).ToArray());
}

static double Percentile(List<double> samples, double p)
{
    var sorted = samples.Order().ToArray();
    return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
