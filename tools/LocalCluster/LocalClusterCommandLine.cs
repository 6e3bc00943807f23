using System.CommandLine;
using System.Globalization;
using KeepOperator.Cli;

namespace KeepOperator.LocalCluster;

/// <summary>keepoperator-localcluster's command line.</summary>
public static class LocalClusterCommandLine
{
    /// <summary>The server's options, or the help or usage error to print; --verbose logs requests to <paramref name="requestLog"/>.</summary>
    public static CommandLineResult<LocalClusterOptions> Parse(IReadOnlyList<string> args, TextWriter requestLog)
    {
        var defaults = new LocalClusterOptions();
        var listen = CommandLineParsing.Text("--listen", "ADDR:PORT", "address and port to serve plain HTTP on (port 0: pick a free one)", defaults.Listen);
        var kubeconfig = CommandLineParsing.Text("--kubeconfig", "FILE", "kubeconfig to write (server, context and a user without real credentials)");
        kubeconfig.Required = true;
        var data = CommandLineParsing.Text("--data", "FILE", "JSON file to persist the objects in (loaded at start, written on change)");
        var watchHistory = CommandLineParsing.Integer("--watch-history", "changes kept for watches from a resourceVersion", defaults.WatchHistory);
        var bookmarkInterval = CommandLineParsing.Typed("--bookmark-interval", "SECONDS", "seconds between watch BOOKMARKs", "must be a number of seconds",
            (string text, out TimeSpan value) =>
            {
                var ok = double.TryParse(text, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var s)
                    && double.IsFinite(s) && Math.Abs(s) < TimeSpan.MaxValue.TotalSeconds;
                value = ok ? TimeSpan.FromSeconds(s) : default;
                return ok;
            },
            defaults.BookmarkInterval);
        var verbose = new Option<bool>("--verbose") { Description = "log each request to stderr" };
        var root = CommandLineParsing.Root("keepoperator-localcluster",
            "A stand-in for the Kubernetes API server; prints \"localcluster ready: server=http://ADDR:PORT kubeconfig=FILE\" on stdout when serving.");
        foreach (var option in new Option[] { listen, kubeconfig, data, watchHistory, bookmarkInterval, verbose })
        {
            root.Options.Add(option);
        }

        return CommandLineParsing.Parse(root, args, result => new LocalClusterOptions
        {
            Listen = result.GetValue(listen)!,
            KubeconfigPath = result.GetValue(kubeconfig),
            DataPath = result.GetValue(data),
            WatchHistory = result.GetValue(watchHistory),
            BookmarkInterval = result.GetValue(bookmarkInterval),
            RequestLog = result.GetValue(verbose) ? requestLog : null,
        });
    }
}
