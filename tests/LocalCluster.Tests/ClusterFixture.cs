using k8s;
using Xunit;

namespace KeepOperator.LocalCluster.Tests;

/// <summary>
/// One in-process local cluster on 127.0.0.1 with a free port, its kubeconfig in a temp directory, and a
/// KubernetesClient built from that kubeconfig. A small watch history makes 410 Expired reachable in a test;
/// frequent bookmarks make BOOKMARK events arrive quickly.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "localcluster-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public LocalClusterServer Server { get; private set; } = null!;

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    public Kubernetes Client { get; private set; } = null!;

    public Kubectl Kubectl { get; private set; } = null!;

    public const int WatchHistory = 60;

    public virtual async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Server = await LocalClusterServer.StartAsync(new LocalClusterOptions
        {
            Listen = "127.0.0.1:0",
            KubeconfigPath = KubeconfigPath,
            WatchHistory = WatchHistory,
            BookmarkInterval = TimeSpan.FromMilliseconds(300),
        });
        Client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(KubeconfigPath));
        Kubectl = new Kubectl(KubeconfigPath, Directory);
    }

    public virtual async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Writes text to a file in the fixture's directory and returns its path.</summary>
    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
