namespace KeepOperator.Api.Kube;

/// <summary>
/// One kind's list and watch calls, and how to read an object's key and resourceVersion: what an
/// <see cref="Informer{T}"/> needs from a client. The operator implements it on KubernetesClient, the NativeAOT agent
/// on its own small HTTP client.
/// </summary>
public interface IListWatchSource<T>
    where T : class
{
    /// <summary>The kind's plural, for logs.</summary>
    string Kind { get; }

    Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Watches from <paramref name="resourceVersion"/> with bookmarks. An error event either throws or goes to
    /// <paramref name="onError"/>; either way <see cref="IsExpired"/> must recognise a 410 Expired among them.
    /// </summary>
    IAsyncEnumerable<(WatchEventKind Type, T Object)> WatchAsync(string resourceVersion, TimeSpan timeout, Action<Exception> onError, CancellationToken cancellationToken);

    string KeyOf(T obj);

    string? ResourceVersionOf(T obj);

    /// <summary>Whether <paramref name="error"/> says the resourceVersion is too old (410 Gone): then the kind is listed again.</summary>
    bool IsExpired(Exception error);
}
