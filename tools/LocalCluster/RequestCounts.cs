using System.Collections.Concurrent;

namespace KeepOperator.LocalCluster;

/// <summary>
/// One kind of resource request: who asked (the User-Agent's first product), the Kubernetes verb, the API group ("" for
/// core), the resource (with /status for the subresource) and the namespace ("" for cluster scope or all namespaces):
/// what an RBAC rule must grant for the request to pass.
/// </summary>
public readonly record struct RequestKind(string Client, string Verb, string Group, string Resource, string Namespace)
{
    public override string ToString() => $"{Client} {Verb} {Resource}";
}

/// <summary>
/// How many resource requests the server answered, by client, verb and resource: what a benchmark reports as API
/// requests per change (list storms and needless writes show here).
/// </summary>
public sealed class RequestCounts
{
    private readonly ConcurrentDictionary<RequestKind, long> counts = new();

    public void Record(RequestKind kind) => counts.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>A copy of the counts so far, in a stable order.</summary>
    public IReadOnlyList<(RequestKind Kind, long Count)> Snapshot() =>
        [.. counts.Select(c => (c.Key, c.Value)).OrderBy(c => c.Key.ToString(), StringComparer.Ordinal)];

    /// <summary>The Kubernetes verb of a request, as audit logs and RBAC name it.</summary>
    public static string Verb(string method, bool named, bool watch) => (method, named, watch) switch
    {
        (_, _, true) => "watch",
        ("GET", true, _) => "get",
        ("GET", false, _) => "list",
        ("POST", _, _) => "create",
        ("PUT", _, _) => "update",
        ("PATCH", _, _) => "patch",
        ("DELETE", true, _) => "delete",
        ("DELETE", false, _) => "deletecollection",
        _ => method.ToLowerInvariant(),
    };

    /// <summary>The first product token of a User-Agent ("keepoperator/1.0 (linux)" gives "keepoperator"), or "-".</summary>
    public static string Client(string? userAgent)
    {
        var product = (userAgent ?? "").Split(' ', 2)[0].Split('/', 2)[0];
        return product.Length == 0 ? "-" : product;
    }
}
