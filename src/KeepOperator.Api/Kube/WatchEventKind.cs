namespace KeepOperator.Api.Kube;

/// <summary>The type of one watch event, as the API server names it (ADDED, MODIFIED, DELETED, BOOKMARK).</summary>
public enum WatchEventKind
{
    Added,
    Modified,
    Deleted,

    /// <summary>Carries only a newer resourceVersion, so a quiet watch can resume without a relist.</summary>
    Bookmark,
}
