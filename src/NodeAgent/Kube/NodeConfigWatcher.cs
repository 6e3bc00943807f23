using System.Threading.Channels;
using KeepOperator.Api;
using KeepOperator.Api.Kube;
using KeepOperator.Api.Logging;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>
/// Follows this node's NodeAgentConfig (and nothing else) with the shared <see cref="Informer{T}"/> (list, watch from
/// the list's resourceVersion with bookmarks, relist on 410 Gone, reconnect with backoff on any failure).
/// Only a successful read reaches <see cref="RunAsync"/>'s callback: the object, or null when the API server said it
/// does not exist. A failing call never does: the agent keeps running its last configuration (static stability).
/// </summary>
public sealed class NodeConfigWatcher(KubeApiClient client, string nodeName, TimeProvider time, StructuredLog log)
{
    /// <summary>How long the server keeps one watch open before we reconnect from the last resourceVersion.</summary>
    public int WatchTimeoutSeconds { get; init; } = 290;

    /// <summary>Calls <paramref name="changed"/> on the first read and on every change, until cancelled.</summary>
    public async Task RunAsync(Func<NodeAgentConfig?, Task> changed, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var informer = new Informer<NodeAgentConfig>(new NodeConfigSource(client, nodeName), log, time, TimeSpan.FromSeconds(WatchTimeoutSeconds))
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(500),
            MaxRetryDelay = TimeSpan.FromSeconds(10),
        };

        // Level-triggered: a change only says "look again"; the callback gets the cache's current copy, once per version.
        var dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        informer.Changed += (_, _) => dirty.Writer.TryWrite(true);
        using var stopInformer = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var watching = informer.RunAsync(stopInformer.Token);
        try
        {
            await informer.Synced.WaitAsync(cancel).ConfigureAwait(false);
            string? delivered = null; // resourceVersion of what the callback last saw ("" = absent)
            while (true)
            {
                var current = informer.Get(nodeName);
                var version = current?.Metadata.ResourceVersion ?? "";
                if (version != delivered)
                {
                    delivered = version;
                    await changed(current).ConfigureAwait(false);
                }

                await dirty.Reader.ReadAsync(cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
        }
        finally
        {
            await stopInformer.CancelAsync().ConfigureAwait(false);
            await watching.ConfigureAwait(false);
        }
    }
}
