using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using KeepOperator.Bench.NftUpdate;
using KeepOperator.NodeAgent.Health.Checker;
using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;

// Health change -> nftables rule updated, for bench/nft-update.sh, which runs it inside a throwaway network namespace
// (so plain `nft` acts on that namespace). SERVERS real servers per virtual server are TCP_CHECKed by the agent's
// checker (delay_loop 100 ms, retry 0); the listener of one real server is stopped and started FLIPS times. As in the
// agent, each verdict goes from the checker's loop to one consumer, which renders every virtual server's healthy real
// servers and applies them through NftablesDataplane (libnftables in-process, or nft -f with --runner process; verdicts
// queued meanwhile share the next transaction).
// Latency: from the verdict (HealthChanged, raised on the checker's loop) to the script's return (the kernel has committed the
// transaction); after each flip `nft list` confirms the rule. Exit code 0 when p99 < 5 ms and every flip was applied
// by an incremental transaction and confirmed. The last line, `RESULT runner p50 p99 max`, is for bench/nft-update.sh.
// usage: nftupdate [--servers N] [--flips K] [--virtual-servers M] [--runner library|process]
const string Usage = "usage: nftupdate [--servers N] [--flips K] [--virtual-servers M] [--runner library|process]";
var options = new Dictionary<string, int> { ["--servers"] = 100, ["--flips"] = 100, ["--virtual-servers"] = 1 };
var runnerName = "library";
for (var i = 0; i + 1 < args.Length; i += 2)
{
    if (args[i] == "--runner" && args[i + 1] is "library" or "process")
    {
        runnerName = args[i + 1];
        continue;
    }

    if (!options.ContainsKey(args[i]))
    {
        await Console.Error.WriteLineAsync(Usage);
        return 2;
    }

    options[args[i]] = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
}

using var library = runnerName == "library"
    ? LibNftablesRunner.TryCreate(out var missing) ?? throw new InvalidOperationException(missing)
    : null;

var (servers, flips, virtualServers) = (options["--servers"], options["--flips"], options["--virtual-servers"]);
var policy = new RealServerCheckPolicy(TimeSpan.FromMilliseconds(100), 0, TimeSpan.Zero);
var connectTimeout = TimeSpan.FromMilliseconds(500);
var flipped = new IPEndPoint(IPAddress.Parse("127.3.0.1"), 8081);
var services = Enumerable.Range(0, virtualServers)
    .Select(v => new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse($"10.200.{v / 250}.{(v % 250) + 1}"), 80)) { Scheduler = "rr" })
    .ToArray();
var checks = services.SelectMany((service, v) => Enumerable.Range(0, servers).Select(r =>
        RealServerCheck.TcpConnect(service.Key.ToString(), v == 0 && r == servers - 1 ? flipped : RealServer((v * servers) + r), connectTimeout, policy)))
    .ToArray();
var healthy = checks.ToDictionary(c => (c.VirtualServer, c.RealServer), _ => false);

var verdicts = Channel.CreateUnbounded<(RealServerHealthChange Change, long At)>(new UnboundedChannelOptions { SingleReader = true });
var applied = Channel.CreateUnbounded<Applied>();
var scheduler = new HealthCheckScheduler(checks);
scheduler.HealthChanged += change => verdicts.Writer.TryWrite((change, Stopwatch.GetTimestamp()));
var dataplane = new NftablesDataplane(library is null ? new NftProcessRunner() : library);

using var stop = new CancellationTokenSource();
await using var others = new AcceptingListener(new IPEndPoint(IPAddress.Any, 8080));
var flippedListener = (AcceptingListener?)new AcceptingListener(flipped);
var checking = scheduler.RunAsync(stop.Token);
var applying = ApplyVerdictsAsync(stop.Token);
var samples = new List<(double Total, double Nft, double Detection)>();
var incremental = 0;
var confirmed = 0;
try
{
    var initial = 0;
    while (initial < checks.Length)
    {
        initial += (await ReadAppliedAsync(TimeSpan.FromSeconds(10))).Changes.Count;
    }

    Console.Error.WriteLine($"{checks.Length} real servers up and in the table; flipping {flipped} {flips} times");
    for (var k = 0; k < flips; k++)
    {
        var up = flippedListener is null;
        if (up)
        {
            flippedListener = new AcceptingListener(flipped);
        }
        else
        {
            await flippedListener!.DisposeAsync();
            flippedListener = null;
        }

        var flippedAt = Stopwatch.GetTimestamp();
        Applied result;
        do
        {
            result = await ReadAppliedAsync(TimeSpan.FromSeconds(5));
        }
        while (!result.Changes.Any(c => c.Change.RealServer.Equals(flipped) && c.Change.Healthy == up));

        var at = result.Changes.Single(c => c.Change.RealServer.Equals(flipped)).At;
        samples.Add((Milliseconds(at, result.Done), Milliseconds(result.Began, result.Done), Milliseconds(flippedAt, at)));
        incremental += result.Kind == NftablesPlanKind.Incremental ? 1 : 0;
        confirmed += await ListTableAsync() is var table && table.Contains($"{flipped.Address} . {flipped.Port}", StringComparison.Ordinal) == up ? 1 : 0;
        await Task.Delay(Random.Shared.Next(0, 100)); // flips land at any point of the check interval
    }
}
finally
{
    await stop.CancelAsync();
    await checking;
    verdicts.Writer.Complete();
    await applying;
    if (flippedListener is not null)
    {
        await flippedListener.DisposeAsync();
    }
}

var totals = samples.Select(s => s.Total).Order().ToArray();
var nft = samples.Select(s => s.Nft).Order().ToArray();
var detection = samples.Select(s => s.Detection).Order().ToArray();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

    {virtualServers} virtual server(s) x {servers} real servers; {flips} health flips of one real server (TCP_CHECK, delay_loop 100ms, retry 0); runner: {runnerName}
    what                                          p50 ms   p99 ms   max ms
    health change -> nft transaction applied    {Percentile(totals, 0.5),8:F1} {Percentile(totals, 0.99),8:F1} {totals[^1],8:F1}
      of which nft itself                       {Percentile(nft, 0.5),8:F1} {Percentile(nft, 0.99),8:F1} {nft[^1],8:F1}
    (listener stopped/started -> verdict        {Percentile(detection, 0.5),8:F1} {Percentile(detection, 0.99),8:F1} {detection[^1],8:F1})
    incremental transactions: {incremental}/{flips}; confirmed by nft list: {confirmed}/{flips}
    """));
var passed = Percentile(totals, 0.99) < 5 && incremental == flips && confirmed == flips;
Console.WriteLine($"  {(passed ? "PASS" : "FAIL")}  p99 health change -> rule updated < 5 ms, every flip incremental and confirmed");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT {runnerName} {Percentile(totals, 0.5):F2} {Percentile(totals, 0.99):F2} {totals[^1]:F2}"));
return passed ? 0 : 1;

// The agent's side: verdicts in, one transaction per batch of them, in order.
async Task ApplyVerdictsAsync(CancellationToken cancellationToken)
{
    var batch = new List<(RealServerHealthChange Change, long At)>();
    while (await verdicts.Reader.WaitToReadAsync(CancellationToken.None))
    {
        while (verdicts.Reader.TryRead(out var verdict))
        {
            batch.Add(verdict);
            healthy[(verdict.Change.VirtualServer, verdict.Change.RealServer)] = verdict.Change.Healthy;
        }

        var began = Stopwatch.GetTimestamp();
        try
        {
            var plan = await dataplane.ApplyAsync(Desired(), cancellationToken);
            applied.Writer.TryWrite(new Applied([.. batch], began, Stopwatch.GetTimestamp(), plan.Kind));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        batch.Clear();
    }
}

LoadBalancedService[] Desired() => services
    .Select(service => new LoadBalancedService(service, checks
        .Where(c => c.VirtualServer == service.Key.ToString() && healthy[(c.VirtualServer, c.RealServer)])
        .Select(c => new ServiceDestination(c.RealServer.Address, (ushort)c.RealServer.Port) { ForwardingMethod = PacketForwarding.Masquerade })
        .ToArray()))
    .ToArray();

async Task<Applied> ReadAppliedAsync(TimeSpan limit)
{
    using var timeout = new CancellationTokenSource(limit);
    return await applied.Reader.ReadAsync(timeout.Token);
}

static async Task<string> ListTableAsync()
{
    using var nft = Process.Start(new ProcessStartInfo("nft", ["list", "table", "inet", "keepoperator"]) { RedirectStandardOutput = true })!;
    var output = await nft.StandardOutput.ReadToEndAsync();
    await nft.WaitForExitAsync();
    return output;
}

static IPEndPoint RealServer(int index) => new(IPAddress.Parse($"127.2.{index / 250 % 250}.{(index % 250) + 1}"), 8080);

static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
