using System.Globalization;
using System.Runtime.InteropServices;
using KeepOperator.LocalCluster;

// keepoperator-localcluster --listen ADDR:PORT --kubeconfig FILE [--data FILE] [--watch-history N] [--bookmark-interval SECONDS] [--verbose]
var options = new LocalClusterOptions();
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--listen":
                options.Listen = Next();
                break;
            case "--kubeconfig":
                options.KubeconfigPath = Next();
                break;
            case "--data":
                options.DataPath = Next();
                break;
            case "--watch-history":
                options.WatchHistory = int.Parse(Next(), CultureInfo.InvariantCulture);
                break;
            case "--bookmark-interval":
                options.BookmarkInterval = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture));
                break;
            case "--verbose":
                options.RequestLog = Console.Error;
                break;
            case "-h" or "--help":
                Console.WriteLine("""
                    usage: keepoperator-localcluster --listen ADDR:PORT --kubeconfig FILE [--data FILE]
                                                     [--watch-history N] [--bookmark-interval SECONDS] [--verbose]
                      --listen             address and port to serve plain HTTP on (port 0: pick a free one)
                      --kubeconfig         kubeconfig to write (server, context and a user without real credentials)
                      --data               JSON file to persist the objects in (loaded at start, written on change)
                      --watch-history      changes kept for watches from a resourceVersion (default 10000)
                      --bookmark-interval  seconds between watch BOOKMARKs (default 10)
                      --verbose            log each request to stderr
                    prints "localcluster ready: server=http://ADDR:PORT kubeconfig=FILE" on stdout when serving.
                    """);
                return 0;
            default:
                throw new ArgumentException($"unknown argument {args[i]}");
        }
    }
    catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
    {
        Console.Error.WriteLine($"keepoperator-localcluster: {e.Message} (see --help)");
        return 2;
    }
}

if (options.KubeconfigPath == null)
{
    Console.Error.WriteLine("keepoperator-localcluster: --kubeconfig FILE is required (see --help)");
    return 2;
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
