using System.Globalization;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// Turns store changes into one watcher's stream lines <c>{"type":...,"object":...}</c>: only its resource and
/// namespace, selectors applied to the object before and after (an object leaving the selection is DELETED for
/// this watcher, one entering it is ADDED, as the API server does), objects in the watcher's version, or as a
/// one-row Table when it asked for tables.
/// </summary>
public sealed class WatchRenderer
{
    private readonly ResourceType type;
    private readonly string? ns;
    private readonly LabelSelector labels;
    private readonly FieldSelector fields;
    private readonly bool table;
    private readonly string? includeObject;
    private readonly bool bookmarks;

    public WatchRenderer(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, bool table, string? includeObject, bool bookmarks)
    {
        this.type = type;
        this.ns = ns;
        this.labels = labels;
        this.fields = fields;
        this.table = table;
        this.includeObject = includeObject;
        this.bookmarks = bookmarks;
    }

    public string? Render(WatchEvent ev)
    {
        if (ev.StorageKey != type.StorageKey || (ns != null && ev.Namespace != ns))
        {
            return null;
        }

        var current = ResourceHandlers.ToServed(type, ev.Object);
        var now = Matches(current);
        string? kind;
        switch (ev.Type)
        {
            case "ADDED":
                kind = now ? "ADDED" : null;
                break;
            case "DELETED":
                kind = Matches(ResourceHandlers.ToServed(type, ev.Old ?? ev.Object)) ? "DELETED" : null;
                break;
            default:
                var before = ev.Old != null && Matches(ResourceHandlers.ToServed(type, ev.Old));
                kind = (before, now) switch
                {
                    (true, true) => "MODIFIED",
                    (false, true) => "ADDED",
                    (true, false) => "DELETED",
                    _ => null,
                };
                break;
        }

        return kind == null ? null : Line(kind, table ? TableRenderer.Render(type, [current], ev.ResourceVersion, includeObject) : current);
    }

    public string? Bookmark(long resourceVersion) => bookmarks ? Line("BOOKMARK", BookmarkObject(resourceVersion, initialEventsEnd: false)) : null;

    public string InitialEventsEnd(long resourceVersion) => Line("BOOKMARK", BookmarkObject(resourceVersion, initialEventsEnd: true));

    private JsonObject BookmarkObject(long resourceVersion, bool initialEventsEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        return new JsonObject { ["kind"] = type.Kind, ["apiVersion"] = type.GroupVersion, ["metadata"] = meta };
    }

    private bool Matches(JsonObject served) =>
        labels.Matches(served["metadata"]?["labels"] as JsonObject) && fields.Matches(served);

    private static string Line(string kind, JsonObject obj) =>
        Json.Serialize(new JsonObject { ["type"] = kind, ["object"] = obj }) + "\n";
}
