using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using k8s;
using KeepOperator.Api;

namespace KeepOperator.Bench.OperatorScale;

/// <summary>
/// Follows one cluster-scoped resource of the API's group until cancelled: lists it, then watches from the list's
/// resourceVersion, and lists afresh whenever the watch ends. Each listed item is handed on as Added, each watch event as it came.
/// </summary>
internal static class ListThenWatch
{
    public static async Task RunAsync<T>(IKubernetes client, string plural, JsonTypeInfo<T> type, Action<WatchEventType, T> note, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = (JsonElement)await client.CustomObjects.ListClusterCustomObjectAsync(VirtualIp.Group, VirtualIp.Version, plural, cancellationToken: cancellationToken);
                foreach (var item in list.GetProperty("items").EnumerateArray())
                {
                    note(WatchEventType.Added, item.Deserialize(type)!);
                }

                var events = client.CustomObjects.WatchListClusterCustomObjectAsync(
                    VirtualIp.Group, VirtualIp.Version, plural, resourceVersion: list.GetProperty("metadata").GetProperty("resourceVersion").GetString(),
                    timeoutSeconds: 600, cancellationToken: cancellationToken);
                await foreach (var (eventType, obj) in events)
                {
                    note(eventType, ((JsonElement)obj).Deserialize(type)!);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
