using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using KeepOperator.Bench.HealthBench;
using KeepOperator.NodeAgent.Health.Checker;

// The agent's real-server checker on a target list, for bench/healthcheck.sh: one line per verdict on stdout,
// "UP|DOWN VIRTUALSERVER ADDRESS:PORT LATENCY_MS MESSAGE", until SIGTERM or SIGINT; then the achieved check interval
// (CheckIntervals.Summary) on stderr.
// usage: healthbench TARGETS_FILE DELAY_LOOP_MS CONNECT_TIMEOUT_MS RETRY DELAY_BEFORE_RETRY_MS
//   TARGETS_FILE: one real server per line, "VIRTUALSERVER ADDRESS PORT" (TCP_CHECK on ADDRESS:PORT)
if (args.Length != 5)
{
    await Console.Error.WriteLineAsync("usage: healthbench TARGETS_FILE DELAY_LOOP_MS CONNECT_TIMEOUT_MS RETRY DELAY_BEFORE_RETRY_MS");
    return 2;
}

var milliseconds = args[1..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
var policy = new RealServerCheckPolicy(
    TimeSpan.FromMilliseconds(milliseconds[0]), milliseconds[2], TimeSpan.FromMilliseconds(milliseconds[3]));
var connectTimeout = TimeSpan.FromMilliseconds(milliseconds[1]);
var checks = File.ReadLines(args[0])
    .Where(line => line.Length > 0)
    .Select(line => line.Split(' '))
    .Select(f => (VirtualServer: f[0], Address: f[1], Port: int.Parse(f[2], CultureInfo.InvariantCulture)))
    .Select(t => RealServerCheck.TcpConnect(t.VirtualServer, new IPEndPoint(IPAddress.Parse(t.Address), t.Port), connectTimeout, policy))
    .ToArray();

using var stop = new CancellationTokenSource();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
var scheduler = new HealthCheckScheduler(checks);
scheduler.HealthChanged += change => Console.Out.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"{(change.Healthy ? "UP" : "DOWN")} {change.VirtualServer} {change.RealServer} {change.Latency.TotalMilliseconds:F1} {change.Message}"));
var intervals = new CheckIntervals();
scheduler.CheckCompleted += intervals.Observe;
await scheduler.RunAsync(stop.Token);
await Console.Error.WriteLineAsync(intervals.Summary());
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
