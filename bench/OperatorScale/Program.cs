// Operator at scale against LocalCluster: N Nodes, M VirtualIps (each on a pool of nodes), fake agents reporting.
// Measures apply -> Ready latency (burst of M, then single VirtualIps one at a time), the operator's RSS and CPU, and
// the operator's API requests per VirtualIp change by verb and resource (LocalCluster counts them by User-Agent).
// usage: OperatorScale --operator PATH [--nodes 50] [--vips 500] [--pool 2] [--singles 20] [--timeout 600] [--workers 2] [--pid-file F]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using k8s;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Bench.OperatorScale;
using KeepOperator.LocalCluster;
using KeepOperator.Operator.Tests.Integration;

var operatorPath = Arg("--operator", "");
var nodeCount = int.Parse(Arg("--nodes", "50"), CultureInfo.InvariantCulture);
var vipCount = int.Parse(Arg("--vips", "500"), CultureInfo.InvariantCulture);
var poolSize = int.Parse(Arg("--pool", "2"), CultureInfo.InvariantCulture);
var singles = int.Parse(Arg("--singles", "20"), CultureInfo.InvariantCulture);
var burstTimeout = TimeSpan.FromSeconds(int.Parse(Arg("--timeout", "600"), CultureInfo.InvariantCulture));
var pidFile = Arg("--pid-file", "");
var workers = Arg("--workers", "2");
if (!File.Exists(operatorPath))
{
    Console.Error.WriteLine("usage: OperatorScale --operator PATH-TO-keepoperator [--nodes N] [--vips N] [--pool N] [--singles N]");
    return 2;
}

var dir = Directory.CreateTempSubdirectory("operator-scale-").FullName;
var kubeconfig = Path.Combine(dir, "kubeconfig");
var requests = new RequestCounts();
await using var server = await LocalClusterServer.StartAsync(new LocalClusterOptions { KubeconfigPath = kubeconfig, RequestCounts = requests });
using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig), new BenchUserAgent());
foreach (var crd in TestOnlyCrds.All)
{
    await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(crd));
}

var pools = nodeCount / poolSize;
// A VRID is unique per interface (one L2 segment as far as the operator knows) and there are 255: at most 250
// VirtualIps share an interface name, at least 5 interfaces (more than 5 x 255 VirtualIps could never all be Ready).
var interfaces = Math.Max(5, (vipCount + singles + 249) / 250);
for (var n = 0; n < nodeCount; n++)
{
    await client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = $"node-{n:D3}", Labels = new Dictionary<string, string> { ["pool"] = $"p{n % pools}" } } });
}

// Free ports, not the defaults (:8080, :8081): another operator on this machine must not fail the run, nor this one another.
var metricsAddress = $"127.0.0.1:{FreePort()}";
using var op = Process.Start(new ProcessStartInfo(operatorPath, ["run", "--kubeconfig", kubeconfig, "--identity", "bench", "--workers", workers,
    "--metrics-address", metricsAddress, "--health-address", $"127.0.0.1:{FreePort()}"])
{
    RedirectStandardOutput = true,
    RedirectStandardError = true,
})!;
// A timeout, Ctrl-C or SIGTERM must not leave the operator running: it would hold its metrics port for the next run.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Abandon(op, dir, 130));
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Abandon(op, dir, 143));
if (pidFile.Length > 0)
{
    File.WriteAllText(pidFile, op.Id.ToString(CultureInfo.InvariantCulture)); // for the script's trap, should this process be killed outright
}

using var metrics = new HttpClient { BaseAddress = new Uri($"http://{metricsAddress}") };
try
{
    var logLines = 0L;
    var failures = 0L;
    op.OutputDataReceived += (_, e) =>
    {
        Interlocked.Increment(ref logLines);
        if (e.Data?.Contains("level=warn", StringComparison.Ordinal) == true && Interlocked.Increment(ref failures) <= 5)
        {
            Console.Error.WriteLine("operator: " + e.Data);
        }
    };
    op.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("operator: " + e.Data); } };
    op.BeginOutputReadLine();
    op.BeginErrorReadLine();

    using var stop = new CancellationTokenSource();
    var clock = Stopwatch.StartNew();
    await WaitFor(async () => ((JsonElement)await client.CustomObjects.ListClusterCustomObjectAsync(VirtualIp.Group, VirtualIp.Version, NodeAgentConfig.Plural)).GetProperty("items").GetArrayLength() == nodeCount, TimeSpan.FromSeconds(60), "a NodeAgentConfig per node");
    Console.WriteLine($"operator up: {nodeCount} NodeAgentConfigs after {clock.Elapsed.TotalSeconds:F1} s; idle RSS {Rss(op.Id, "VmRSS")}");

    var agents = new FakeAgents(client, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));
    var agentsRun = agents.RunAsync(stop.Token);
    var watcher = new ReadyWatcher(client, clock);
    var watcherRun = watcher.RunAsync(stop.Token);
    var cpuBefore = CpuSeconds(op.Id);
    var benchCpuBefore = CpuSeconds(Environment.ProcessId);
    var beforeBurst = OperatorRequests();

    // burst: all VirtualIps at once, spread over the interfaces
    var created = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
    var burstStart = clock.Elapsed;
    for (var v = 0; v < vipCount; v++)
    {
        var name = $"vip-{v:D4}";
        created[name] = clock.Elapsed;
        await CreateVip(name, v);
    }

    var applied = clock.Elapsed - burstStart;
    var progress = Stopwatch.StartNew();
    await WaitFor(
        async () =>
        {
            if (progress.Elapsed > TimeSpan.FromSeconds(10))
            {
                progress.Restart();
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds:F0} s: {created.Keys.Count(watcher.ReadyAt.ContainsKey)} of {vipCount} Ready; work queue {await QueueDepth()}; CPU s operator {CpuSeconds(op.Id) - cpuBefore:F1}, bench {CpuSeconds(Environment.ProcessId) - benchCpuBefore:F1}; agent status writes {agents.StatusWrites}; not Ready: {NotReady(created.Keys, watcher)}");
            }

            return created.Keys.All(watcher.ReadyAt.ContainsKey);
        },
        burstTimeout,
        $"all {vipCount} VirtualIps Ready");
    var burstLatencies = created.Select(c => watcher.ReadyAt[c.Key] - c.Value).Order().ToList();
    var burstAll = created.Keys.Max(k => watcher.ReadyAt[k]) - burstStart;
    await Task.Delay(2000); // settle: the last status writes and heartbeats
    var cpuBurst = CpuSeconds(op.Id) - cpuBefore;
    var burstWall = clock.Elapsed - burstStart;
    Console.WriteLine($"burst: {vipCount} VirtualIps on {nodeCount} nodes (pools of {poolSize}) applied in {applied.TotalSeconds:F1} s, all Ready after {burstAll.TotalSeconds:F1} s");
    Console.WriteLine($"  apply->Ready latency: p50 {Ms(Pct(burstLatencies, 0.5))} p95 {Ms(Pct(burstLatencies, 0.95))} p99 {Ms(Pct(burstLatencies, 0.99))} max {Ms(burstLatencies[^1])}");
    Console.WriteLine($"  operator CPU during burst: {cpuBurst:F1} s ({100 * cpuBurst / burstWall.TotalSeconds:F0}% of a core over {burstWall.TotalSeconds:F0} s); bench+LocalCluster {CpuSeconds(Environment.ProcessId) - benchCpuBefore:F1} s; RSS {Rss(op.Id, "VmRSS")} (peak {Rss(op.Id, "VmHWM")}); agent status writes {agents.StatusWrites}");
    Console.WriteLine($"  reconciles (count, seconds): {await Reconciles()}");
    var afterBurst = OperatorRequests();
    PrintRequests($"  operator API requests per VirtualIp created (burst of {vipCount})", beforeBurst, afterBurst, vipCount);

    // steady state: one VirtualIp at a time into a cluster that already holds the others
    var single = new List<TimeSpan>();
    for (var s = 0; s < singles; s++)
    {
        var name = $"single-{s:D3}";
        var at = clock.Elapsed;
        await CreateVip(name, vipCount + s);
        await WaitFor(() => Task.FromResult(watcher.ReadyAt.ContainsKey(name)), TimeSpan.FromSeconds(60), name + " Ready");
        single.Add(watcher.ReadyAt[name] - at);
    }

    await Task.Delay(2000); // the last status writes of the last one
    var afterSingles = OperatorRequests();
    single.Sort();
    Console.WriteLine($"single (cluster holding {vipCount}): apply->Ready p50 {Ms(Pct(single, 0.5))} p99 {Ms(Pct(single, 0.99))} max {Ms(single[^1])} over {singles}");
    PrintRequests("  operator API requests per VirtualIp created (one at a time)", afterBurst, afterSingles, singles);
    await Task.Delay(TimeSpan.FromSeconds(12)); // more than a heartbeat: every fake agent reports again, nothing changes
    PrintRequests($"  operator API requests in 12 s of heartbeats only ({nodeCount} nodes)", afterSingles, OperatorRequests(), 1);
    Console.WriteLine($"operator RSS at the end: {Rss(op.Id, "VmRSS")} (peak {Rss(op.Id, "VmHWM")}), {Interlocked.Read(ref logLines)} log lines, {Interlocked.Read(ref failures)} warnings");

    var term = Stopwatch.StartNew();
    Process.Start("kill", ["-TERM", op.Id.ToString(CultureInfo.InvariantCulture)])!.WaitForExit();
    await op.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    Console.WriteLine($"SIGTERM -> exit {op.ExitCode} in {term.Elapsed.TotalMilliseconds:F0} ms");
    await stop.CancelAsync();
    await Task.WhenAll(agentsRun, watcherRun);
}
finally
{
    StopOperator(op);
}

Directory.Delete(dir, recursive: true);
return 0;

async Task CreateVip(string name, int index)
{
    var vip = new VirtualIp
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new VirtualIpSpec
        {
            Addresses = [$"10.{100 + index / 62500}.{index / 250 % 250}.{index % 250 + 1}"],
            Interface = $"eth{index % interfaces}",
            NodeSelector = new Dictionary<string, string> { ["pool"] = $"p{index % pools}" },
        },
    };
    await client.CustomObjects.CreateClusterCustomObjectAsync(JsonSerializer.SerializeToNode(vip, ApiJsonContext.Default.VirtualIp)!, VirtualIp.Group, VirtualIp.Version, VirtualIp.Plural);
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

Dictionary<string, long> OperatorRequests() => requests.Snapshot()
    .Where(r => r.Kind.Client != BenchUserAgent.Product)
    .GroupBy(r => $"{r.Kind.Verb} {r.Kind.Resource}", StringComparer.Ordinal)
    .ToDictionary(g => g.Key, g => g.Sum(r => r.Count), StringComparer.Ordinal);

static void PrintRequests(string what, Dictionary<string, long> before, Dictionary<string, long> after, int changes)
{
    var delta = after.Select(a => (a.Key, Count: a.Value - before.GetValueOrDefault(a.Key))).Where(d => d.Count > 0).OrderByDescending(d => d.Count).ToList();
    Console.WriteLine($"{what}: {delta.Sum(d => d.Count) / (double)changes:F2} ({string.Join(", ", delta.Select(d => $"{d.Key} {d.Count / (double)changes:F2}"))})");
}

static string NotReady(IEnumerable<string> names, ReadyWatcher watcher) => string.Join(", ", names.Where(k => !watcher.ReadyAt.ContainsKey(k))
    .GroupBy(k => watcher.ReadyReason.GetValueOrDefault(k) ?? "no status").OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));

async Task<string> Reconciles()
{
    var lines = (await metrics.GetStringAsync("/metrics")).Split('\n');
    string Sum(string kind, string suffix) => lines.FirstOrDefault(l => l.StartsWith($"{KeepOperator.Api.Vocabulary.MetricNames.ReconcileDuration}_{suffix}{{kind=\"{kind}\"}}", StringComparison.Ordinal))?.Split(' ')[1] ?? "0";
    return string.Join(", ", new[] { "plan", "node_agent_config", "virtual_ip_status" }.Select(k => $"{k} {Sum(k, "count")} {double.Parse(Sum(k, "sum"), CultureInfo.InvariantCulture):F1}"));
}

async Task<string> QueueDepth()
{
    try
    {
        var text = await metrics.GetStringAsync("/metrics");
        return text.Split('\n').FirstOrDefault(l => l.StartsWith(KeepOperator.Api.Vocabulary.MetricNames.WorkQueueDepth + " ", StringComparison.Ordinal))?.Split(' ')[1] ?? "?";
    }
    catch (HttpRequestException)
    {
        return "?";
    }
}

static int FreePort()
{
    using var probe = new TcpListener(IPAddress.Loopback, 0);
    probe.Start();
    return ((IPEndPoint)probe.LocalEndpoint).Port;
}

static void StopOperator(Process op)
{
    if (!op.HasExited)
    {
        op.Kill(entireProcessTree: true);
        op.WaitForExit();
    }
}

static void Abandon(Process op, string dir, int exitCode)
{
    StopOperator(op);
    Directory.Delete(dir, recursive: true);
    Environment.Exit(exitCode);
}

static async Task WaitFor(Func<Task<bool>> done, TimeSpan timeout, string what)
{
    var deadline = Stopwatch.StartNew();
    while (!await done())
    {
        if (deadline.Elapsed > timeout)
        {
            throw new TimeoutException($"no {what} after {timeout.TotalSeconds} s");
        }

        await Task.Delay(20);
    }
}

static TimeSpan Pct(List<TimeSpan> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F0} ms";

static string Rss(int pid, string field) =>
    File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim();

static double CpuSeconds(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0; // utime + stime in clock ticks (USER_HZ 100)
}
