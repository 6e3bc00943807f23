using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace KeepOperator.LocalCluster;

/// <summary>How to run the stand-in: where to listen, where to write the kubeconfig, where to persist.</summary>
public sealed class LocalClusterOptions
{
    /// <summary>ADDR:PORT; port 0 picks a free one.</summary>
    public string Listen { get; set; } = "127.0.0.1:0";

    public string? KubeconfigPath { get; set; }

    public string? DataPath { get; set; }

    /// <summary>How many changes are kept for watches from a resourceVersion; older ones answer 410 Expired.</summary>
    public int WatchHistory { get; set; } = 10_000;

    /// <summary>How often watchers that allow bookmarks get a BOOKMARK.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Where to log one line per request (null: no request log).</summary>
    public TextWriter? RequestLog { get; set; }

    /// <summary>Where to count resource requests by client, verb and resource (null: not counted).</summary>
    public RequestCounts? RequestCounts { get; set; }
}

/// <summary>The running server: Kestrel on plain HTTP with the API router as its only handler.</summary>
public sealed class LocalClusterServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Persistence? persistence;
    private readonly Timer bookmarkTimer;

    private LocalClusterServer(WebApplication app, Uri url, ObjectStore store, ResourceRegistry registry, Persistence? persistence, Timer bookmarkTimer, string? kubeconfig)
    {
        this.app = app;
        Url = url;
        Store = store;
        Registry = registry;
        this.persistence = persistence;
        this.bookmarkTimer = bookmarkTimer;
        KubeconfigPath = kubeconfig;
    }

    /// <summary>http://ADDR:PORT with the port actually bound.</summary>
    public Uri Url { get; }

    public string? KubeconfigPath { get; }

    public ObjectStore Store { get; }

    public ResourceRegistry Registry { get; }

    /// <summary>The line printed on stdout once the server serves.</summary>
    public string ReadyLine => $"localcluster ready: server={Url.GetLeftPart(UriPartial.Authority)} kubeconfig={KubeconfigPath ?? "-"}";

    public static async Task<LocalClusterServer> StartAsync(LocalClusterOptions options, CancellationToken cancellationToken = default)
    {
        var (address, port) = ParseListen(options.Listen);
        var registry = new ResourceRegistry(BuiltinTypes.Create());
        var store = new ObjectStore(options.WatchHistory);
        var handlers = new ResourceHandlers(store, registry);
        Persistence? persistence = null;
        if (options.DataPath != null)
        {
            persistence = new Persistence(store, options.DataPath);
            persistence.Load();
            handlers.RegisterStoredCrds();
        }

        handlers.EnsureNamespaces(["default", "kube-system", "kube-public", "kube-node-lease"]);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(address, port);
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();

        // The bound address is only known once Kestrel listens; /api reports it, so discovery reads it lazily.
        var serverAddress = $"{address}:{port.ToString(CultureInfo.InvariantCulture)}";
        var discovery = new Discovery(registry, () => serverAddress);
        var router = new ApiRouter(registry, handlers, store, discovery, new OpenApi(registry), options.RequestLog, options.RequestCounts);
        app.Run(router.HandleAsync);
        await app.StartAsync(cancellationToken);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var boundUri = new Uri(bound);
        var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        var url = new Uri($"http://{host}:{boundUri.Port.ToString(CultureInfo.InvariantCulture)}");
        serverAddress = $"{host}:{boundUri.Port.ToString(CultureInfo.InvariantCulture)}";

        persistence?.Flush();
        persistence?.Start();
        if (options.KubeconfigPath != null)
        {
            Kubeconfig.Write(options.KubeconfigPath, url.GetLeftPart(UriPartial.Authority));
        }

        var timer = new Timer(_ => store.Bookmark(), null, options.BookmarkInterval, options.BookmarkInterval);
        return new LocalClusterServer(app, url, store, registry, persistence, timer, options.KubeconfigPath == null ? null : Path.GetFullPath(options.KubeconfigPath));
    }

    public async ValueTask DisposeAsync()
    {
        await bookmarkTimer.DisposeAsync();
        Store.CloseAllWatches();
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            try
            {
                await app.StopAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (persistence != null)
        {
            await persistence.DisposeAsync();
        }

        await app.DisposeAsync();
    }

    private static (IPAddress Address, int Port) ParseListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ArgumentException($"--listen wants ADDR:PORT, got \"{listen}\"");
        }

        var host = listen[..colon].Trim('[', ']');
        if (host == "localhost")
        {
            host = "127.0.0.1";
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            throw new ArgumentException($"--listen wants an IP address, got \"{host}\"");
        }

        return (address, port);
    }
}
