using System.Globalization;
using KeepOperator.Bench.AllocBench;

// Bytes allocated per VRRP advert (sent by a master, received by a backup) and per TCP health check, measured
// in-process with GC.GetAllocatedBytesForCurrentThread over the agent's hot paths: codec + state machine + runner for
// N adverts; the checker's loop (HealthCheckScheduler over its epoll connector) for N checks of loopback servers.
// Steady state only: each path runs a warm-up first (first calls JIT-compile, fill caches and grow queues).
// usage: allocbench [ADVERTS] [CHECKS]   (defaults 100000 and 20000)
var adverts = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
var checks = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;

var sent = VrrpAllocations.PerAdvertSent(adverts);
var received = VrrpAllocations.PerAdvertReceived(adverts);
var checked_ = await CheckAllocations.PerCheckAsync(checks);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"advert sent (master: timer, state machine, encode): {sent:F1} B/advert over {adverts}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"advert received (backup: decode, filter, state machine): {received:F1} B/advert over {adverts}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"health check (TCP_CHECK, scheduler loop): {checked_:F1} B/check over {checks}"));
return 0;
