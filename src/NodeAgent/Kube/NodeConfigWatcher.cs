using System.Net;
using System.Text.Json;
using KeepOperator.Api;
using KeepOperator.Api.Logging;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>
/// Follows this node's NodeAgentConfig (and nothing else): list with fieldSelector=metadata.name=NODE, then watch from
/// the list's resourceVersion with bookmarks; relist on 410 Gone; reconnect with backoff on any failure.
/// Only a successful read reaches <see cref="RunAsync"/>'s callback: the object, or null when the API server said it
/// does not exist. A failing call never does: the agent keeps running its last configuration (static stability).
/// </summary>
public sealed class NodeConfigWatcher(KubeApiClient client, string nodeName, TimeProvider time, StructuredLog log)
{
    public const string ResourcePath = "/apis/keepoperator.io/v1alpha1/" + NodeAgentConfig.Plural;

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <summary>How long the server keeps one watch open before we reconnect from the last resourceVersion.</summary>
    public int WatchTimeoutSeconds { get; init; } = 290;

    /// <summary>Path of this node's object, and of its status (append "/status").</summary>
    public static string ObjectPath(string nodeName) => $"{ResourcePath}/{Uri.EscapeDataString(nodeName)}";

    /// <summary>Calls <paramref name="changed"/> on the first read and on every change, until cancelled.</summary>
    public async Task RunAsync(Func<NodeAgentConfig?, Task> changed, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(changed);
        var selector = "fieldSelector=" + Uri.EscapeDataString("metadata.name=" + nodeName);
        string? resourceVersion = null;
        string? delivered = null; // resourceVersion of what the callback last saw ("" = absent)
        var backoff = FirstBackoff;

        async Task Deliver(NodeAgentConfig? config)
        {
            var version = config?.Metadata.ResourceVersion ?? "";
            if (version != delivered)
            {
                delivered = version;
                await changed(config).ConfigureAwait(false);
            }
        }

        while (!cancel.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    var list = await client.ListAsync($"{ResourcePath}?{selector}", cancel).ConfigureAwait(false);
                    resourceVersion = list.Metadata.ResourceVersion;
                    await Deliver(list.Items.Count == 0 ? null : Read(list.Items[0])).ConfigureAwait(false);
                    backoff = FirstBackoff;
                }

                var watch = $"{ResourcePath}?{selector}&watch=true&allowWatchBookmarks=true&timeoutSeconds={WatchTimeoutSeconds}&resourceVersion={Uri.EscapeDataString(resourceVersion ?? "")}";
                await foreach (var e in client.WatchAsync(watch, cancel).ConfigureAwait(false))
                {
                    switch (e.Type)
                    {
                        case "ADDED" or "MODIFIED":
                            var config = Read(e.Object);
                            resourceVersion = config.Metadata.ResourceVersion;
                            await Deliver(config).ConfigureAwait(false);
                            break;
                        case "DELETED":
                            resourceVersion = Read(e.Object).Metadata.ResourceVersion;
                            await Deliver(null).ConfigureAwait(false);
                            break;
                        case "BOOKMARK":
                            resourceVersion = Read(e.Object).Metadata.ResourceVersion;
                            break;
                        case "ERROR":
                            var status = e.Object.Deserialize(KubeJsonContext.Default.KubeStatus);
                            throw new KubeApiException((HttpStatusCode)(status?.Code ?? 500), $"watch error: {status?.Message}");
                    }

                    backoff = FirstBackoff;
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (KubeApiException ex) when (ex.IsGone)
            {
                log.Info("kube-relist", ("reason", ex.Message));
                resourceVersion = null;
            }
            catch (Exception ex) when (ex is HttpRequestException or KubeApiException or JsonException or IOException or OperationCanceledException)
            {
                log.Warn("kube-watch-failed", ("node", nodeName), ("error", ex.Message), ("retry_in", GoDuration.Format(backoff)));
                try
                {
                    await Task.Delay(backoff, time, cancel).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
    }

    private static NodeAgentConfig Read(JsonElement element) =>
        element.Deserialize(ApiJsonContext.Default.NodeAgentConfig) ?? throw new JsonException("watch: null object");
}
