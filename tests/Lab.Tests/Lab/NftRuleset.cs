using System.Text.Json.Nodes;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// A node's nftables ruleset as <c>nft -j list ruleset</c> has it, each object (table, chain, rule, map, set) one
/// canonical JSON string with what changes without a change of configuration left out (handles, counter values), so
/// two listings compare equal exactly when they hold the same objects the same number of times.
/// </summary>
public sealed record NftRuleset(IReadOnlyList<(string Kind, JsonObject Body)> Objects)
{
    private static readonly HashSet<string> Volatile = ["handle", "packets", "bytes"];

    public static NftRuleset Of(LabNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var listing = JsonNode.Parse(Sh.Check("ip", "netns", "exec", node.Namespace, "nft", "-j", "list", "ruleset"))!["nftables"]!.AsArray();
        return new NftRuleset([.. listing.OfType<JsonObject>()
            .Select(o => o.Single())
            .Where(p => p.Key != "metainfo")
            .Select(p => (p.Key, (JsonObject)Strip(p.Value!.DeepClone())))]);
    }

    /// <summary>The objects of <paramref name="kind"/> ("table", "chain", "rule", "map", "set").</summary>
    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind).Select(o => o.Body);

    /// <summary>Every object as one line, sorted: equal listings give equal lines.</summary>
    public IReadOnlyList<string> Lines => [.. Objects.Select(o => o.Kind + " " + o.Body.ToJsonString()).Order(StringComparer.Ordinal)];

    /// <summary>The lines that occur more often than once.</summary>
    public IReadOnlyList<string> Duplicates => [.. Lines.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)];

    public override string ToString() => string.Join('\n', Lines);

    private static JsonNode Strip(JsonNode node)
    {
        if (node is JsonObject o)
        {
            foreach (var key in o.Select(p => p.Key).Where(Volatile.Contains).ToList())
            {
                o.Remove(key);
            }

            foreach (var child in o.Select(p => p.Value).OfType<JsonNode>().ToList())
            {
                Strip(child);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a.OfType<JsonNode>())
            {
                Strip(child);
            }
        }

        return node;
    }
}
