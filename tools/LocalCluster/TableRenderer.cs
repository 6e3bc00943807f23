using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// Answers <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c> the way the API server does: NAME first,
/// then the CRD's additionalPrinterColumns (or AGE when it declares none), or the built-in printer's columns;
/// date cells as human durations; each row carries the object as PartialObjectMetadata unless includeObject says otherwise.
/// </summary>
public static class TableRenderer
{
    private const string NameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    public static bool WantsTable(string? accept) =>
        accept != null && accept.Split(',').FirstOrDefault()?.Contains("as=Table", StringComparison.Ordinal) == true;

    public static JsonObject Render(ResourceType type, IReadOnlyList<JsonObject> objects, long resourceVersion, string? includeObject)
    {
        var columns = Columns(type);
        var defs = new JsonArray();
        foreach (var c in columns)
        {
            defs.Add(new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format,
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            });
        }

        var rows = new JsonArray();
        foreach (var o in objects)
        {
            rows.Add(Row(columns, o, includeObject));
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["columnDefinitions"] = defs,
            ["rows"] = rows,
        };
    }

    public static IReadOnlyList<PrinterColumn> Columns(ResourceType type)
    {
        var name = new PrinterColumn("Name", "string", ".metadata.name", NameDescription, 0, "name");
        var rest = type.Columns.Count > 0 ? type.Columns : [BuiltinTypes.Age()];
        if (!type.NameColumnFirst)
        {
            return [.. rest, name with { Priority = 1 }];
        }

        return [name, .. rest];
    }

    private static JsonObject Row(IReadOnlyList<PrinterColumn> columns, JsonObject obj, string? includeObject)
    {
        var cells = new JsonArray();
        foreach (var c in columns)
        {
            cells.Add(Cell(c, obj));
        }

        var row = new JsonObject { ["cells"] = cells };
        switch (includeObject)
        {
            case "None":
                break;
            case "Object":
                row["object"] = obj.DeepClone();
                break;
            default:
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone() ?? new JsonObject(),
                };
                break;
        }

        return row;
    }

    private static JsonNode? Cell(PrinterColumn column, JsonObject obj)
    {
        if (column.Compute != null)
        {
            var v = column.Compute(obj);
            return column.Type == "date" ? Date(Json.Str(v)) : v;
        }

        var results = JsonPathLite.Evaluate(obj, column.JsonPath).Where(r => r != null).ToList();
        if (results.Count == 0)
        {
            return null;
        }

        if (results.Count > 1)
        {
            return string.Join(",", results.Select(Json.ScalarText));
        }

        var value = results[0];
        var kind = Json.Kind(value);
        return column.Type switch
        {
            "integer" => Json.Int(value) is { } l ? l : null,
            "number" => kind == JsonValueKind.Number ? value!.DeepClone() : null,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False ? value!.DeepClone() : null,
            "date" => Date(Json.Str(value)),
            _ => Json.ScalarText(value),
        };
    }

    private static JsonNode? Date(string? text) =>
        Json.TryParseTime(text, out var t) ? HumanDuration(DateTime.UtcNow - t) : text;

    /// <summary>k8s.io/apimachinery's duration.HumanDuration: 45s, 3m20s, 15m, 5h30m, 3d4h, 20d, 2y10d.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)Math.Floor(d.TotalSeconds);
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }

        var minutes = (long)d.TotalMinutes;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }

        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }

        var hours = (long)d.TotalHours;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }

        return $"{hours / 24 / 365}y";
    }
}
