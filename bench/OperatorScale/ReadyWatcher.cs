using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using k8s;
using KeepOperator.Api;

namespace KeepOperator.Bench.OperatorScale;

/// <summary>Watches VirtualIps and notes when each first shows Ready=True (on a Stopwatch timeline), and each one's latest Ready reason.</summary>
internal sealed class ReadyWatcher(IKubernetes client, Stopwatch clock)
{
    public ConcurrentDictionary<string, TimeSpan> ReadyAt { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string> ReadyReason { get; } = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = (JsonElement)await client.CustomObjects.ListClusterCustomObjectAsync(VirtualIp.Group, VirtualIp.Version, VirtualIp.Plural, cancellationToken: cancellationToken);
                foreach (var item in list.GetProperty("items").EnumerateArray())
                {
                    Note(item.Deserialize(ApiJsonContext.Default.VirtualIp)!);
                }

                var rv = list.GetProperty("metadata").GetProperty("resourceVersion").GetString();
                var events = client.CustomObjects.WatchListClusterCustomObjectAsync(
                    VirtualIp.Group, VirtualIp.Version, VirtualIp.Plural, resourceVersion: rv, timeoutSeconds: 600, cancellationToken: cancellationToken);
                await foreach (var (_, obj) in events)
                {
                    Note(((JsonElement)obj).Deserialize(ApiJsonContext.Default.VirtualIp)!);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Note(VirtualIp vip)
    {
        if (vip.Metadata.Name is not { } name || vip.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is not { } ready)
        {
            return;
        }

        ReadyReason[name] = ready.Reason ?? "";
        if (ready.Status == "True")
        {
            ReadyAt.TryAdd(name, clock.Elapsed);
        }
    }
}
