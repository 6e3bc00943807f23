using System.Runtime.InteropServices;
using KeepOperator.LocalCluster;

var parsed = LocalClusterCommandLine.Parse(args, Console.Error);
if (!parsed.TryGetOptions(Console.Out, Console.Error, out var options))
{
    return parsed.ExitCode;
}

LocalClusterServer server;
try
{
    server = await LocalClusterServer.StartAsync(options);
}
catch (Exception e) when (e is ArgumentException or IOException)
{
    Console.Error.WriteLine($"keepoperator-localcluster: {e.Message}");
    return 1;
}

var stopped = new TaskCompletionSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stopped.TrySetResult(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stopped.TrySetResult(); });
Console.Out.WriteLine(server.ReadyLine);
Console.Out.Flush();
await stopped.Task;
await server.DisposeAsync();
return 0;
