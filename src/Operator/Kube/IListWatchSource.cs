using k8s;

namespace KeepOperator.Operator.Kube;

/// <summary>One kind's list and watch calls, and how to read an object's key and resourceVersion.</summary>
public interface IListWatchSource<T>
    where T : class
{
    string Kind { get; }

    Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken);

    /// <summary>Watches from <paramref name="resourceVersion"/> with bookmarks; error events (410 Expired) go to <paramref name="onError"/>.</summary>
    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken);

    string KeyOf(T obj);

    string? ResourceVersionOf(T obj);
}
