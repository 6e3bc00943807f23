using System.Text;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>The few per-kind rules of the built-in registries that clients notice (Secret stringData, defaults).</summary>
public static class BuiltinStrategies
{
    /// <summary>Runs on every create and main-resource update of a built-in object.</summary>
    public static void Normalize(ResourceType type, JsonObject obj, bool creating)
    {
        if (type.IsCustom)
        {
            return;
        }

        switch (type.Group, type.Kind)
        {
            case ("", "Secret"):
                if (obj["stringData"] is JsonObject stringData)
                {
                    var data = obj["data"] as JsonObject ?? new JsonObject();
                    foreach (var (k, v) in stringData)
                    {
                        data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Json.Str(v) ?? string.Empty));
                    }

                    obj["data"] = data;
                }

                obj.Remove("stringData");
                obj["type"] ??= "Opaque";
                break;
            case ("", "Namespace") when creating:
                obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
                obj["status"] = new JsonObject { ["phase"] = "Active" };
                break;
            case ("", "Pod") when creating:
                obj["status"] ??= new JsonObject();
                obj["status"]!["phase"] ??= "Pending";
                break;
            case ("", "Service"):
                if (obj["spec"] is JsonObject spec)
                {
                    spec["type"] ??= "ClusterIP";
                    spec["sessionAffinity"] ??= "None";
                }

                break;
        }
    }
}
