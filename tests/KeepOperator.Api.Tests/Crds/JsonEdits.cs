using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KeepOperator.Api.Tests.Crds;

/// <summary>Test edits on a JSON document: "spec.port=0; spec.realServers[1].weight=-1; spec.fwmark=" (empty removes).</summary>
internal static partial class JsonEdits
{
    public static JsonObject Apply(JsonObject document, string edits)
    {
        var copy = document.DeepClone().AsObject();
        foreach (var edit in edits.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = edit.IndexOf('=', StringComparison.Ordinal);
            var value = edit[(equals + 1)..].Trim();
            Set(copy, edit[..equals].Trim(), value.Length == 0 ? null : JsonNode.Parse(value), remove: value.Length == 0);
        }

        return copy;
    }

    private static void Set(JsonObject root, string path, JsonNode? value, bool remove)
    {
        var steps = Step().Matches(path).Select(m => m.Value).ToList();
        JsonNode parent = root;
        for (var i = 0; i < steps.Count - 1; i++)
        {
            var next = steps[i + 1].StartsWith('[') ? (JsonNode)new JsonArray() : new JsonObject();
            parent = steps[i].StartsWith('[')
                ? parent.AsArray()[Index(steps[i])]!
                : parent.AsObject()[steps[i]] ??= next;
        }

        var last = steps[^1];
        if (last.StartsWith('['))
        {
            parent.AsArray()[Index(last)] = value;
        }
        else if (remove)
        {
            parent.AsObject().Remove(last);
        }
        else
        {
            parent.AsObject()[last] = value;
        }
    }

    private static int Index(string step) => int.Parse(step[1..^1], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"[^.\[\]]+|\[\d+\]")]
    private static partial Regex Step();
}
