using System.Net;
using k8s;
using k8s.Autorest;
using KeepOperator.Api.Kube;

namespace KeepOperator.Operator.Kube;

/// <summary>How KubernetesClient reports a 410 Gone: an HTTP answer on list, a Status error event on watch.</summary>
public static class KubernetesClientErrors
{
    public static bool IsGone(Exception error) => error switch
    {
        HttpOperationException http => http.Response.StatusCode == HttpStatusCode.Gone,
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone,
        _ => false,
    };

    /// <summary>KubernetesClient's event type in the shared informer's terms.</summary>
    public static WatchEventKind ToKind(WatchEventType type) => type switch
    {
        WatchEventType.Added => WatchEventKind.Added,
        WatchEventType.Modified => WatchEventKind.Modified,
        WatchEventType.Deleted => WatchEventKind.Deleted,
        WatchEventType.Bookmark => WatchEventKind.Bookmark,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "an error event is reported through onError"),
    };
}
