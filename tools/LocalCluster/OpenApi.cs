using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// OpenAPI v3: the /openapi/v3 index (paths with hashed serverRelativeURLs) and one document per group/version,
/// with kind schemas tagged x-kubernetes-group-version-kind (what kubectl explain looks up) and the CRUD paths.
/// Every PATCH operation declares the fieldValidation query parameter, so kubectl leaves validation to the
/// server (it sends fieldValidation=Strict) instead of validating client-side. Built-in PATCH operations
/// don't list strategic merge patch as a body, so kubectl apply computes strategic patches from its compiled-in
/// types, which carry the real merge keys.
/// </summary>
public sealed class OpenApi
{
    public const string ObjectMetaRef = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private const string ListMetaRef = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
    private const string StatusRef = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Status";

    private readonly ResourceRegistry registry;
    private readonly object gate = new();
    private long cachedRevision = -1;
    private Dictionary<string, (string Json, string Hash)> cache = [];

    public OpenApi(ResourceRegistry registry) => this.registry = registry;

    /// <summary>The /openapi/v3 index.</summary>
    public JsonObject Index()
    {
        var docs = Documents();
        var paths = new JsonObject();
        foreach (var (key, (_, hash)) in docs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={hash}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The document for "api/v1" or "apis/{group}/{version}", serialized, or null.</summary>
    public string? Document(string key) => Documents().TryGetValue(key, out var d) ? d.Json : null;

    private Dictionary<string, (string Json, string Hash)> Documents()
    {
        lock (gate)
        {
            var rev = registry.Revision;
            if (rev == cachedRevision)
            {
                return cache;
            }

            var docs = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            foreach (var gv in registry.All.Select(t => (t.Group, t.Version)).Distinct())
            {
                var key = gv.Group.Length == 0 ? $"api/{gv.Version}" : $"apis/{gv.Group}/{gv.Version}";
                var json = Json.Serialize(BuildDocument(gv.Group, gv.Version));
                var hash = Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(json)));
                docs[key] = (json, hash);
            }

            cache = docs;
            cachedRevision = rev;
            return docs;
        }
    }

    private JsonObject BuildDocument(string group, string version)
    {
        var schemas = new JsonObject
        {
            ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"] = ObjectMeta(),
            ["io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"] = new JsonObject
            {
                ["description"] = "ListMeta describes metadata that synthetic resources must have, including lists and various status objects.",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["continue"] = Prim("string", "continue may be set if the user set a limit on the number of items returned."),
                    ["resourceVersion"] = Prim("string", "String that identifies the server's internal version of this object."),
                },
            },
            ["io.k8s.apimachinery.pkg.apis.meta.v1.Status"] = new JsonObject
            {
                ["description"] = "Status is a return value for calls that don't return other objects.",
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = Prim("string", "APIVersion"),
                    ["kind"] = Prim("string", "Kind"),
                    ["code"] = Prim("integer", "Suggested HTTP return code for this status."),
                    ["message"] = Prim("string", "A human-readable description of the status of this operation."),
                    ["reason"] = Prim("string", "A machine-readable description of why this operation is in the Failure status."),
                    ["status"] = Prim("string", "Status of the operation."),
                    ["details"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                    ["metadata"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = ListMetaRef }) },
                },
                ["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = string.Empty, ["kind"] = "Status", ["version"] = "v1" }),
            },
        };
        var paths = new JsonObject();
        foreach (var t in registry.ForGroupVersion(group, version))
        {
            var name = SchemaName(t);
            var kindSchema = KindSchema(t);
            schemas[name] = kindSchema;
            schemas[name + "List"] = ListSchema(t, name);
            AddPaths(paths, t, name);
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = Discovery.GitVersion },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    public static string SchemaName(ResourceType t)
    {
        if (!t.IsCustom)
        {
            return t.Group switch
            {
                "" => $"io.k8s.api.core.{t.Version}.{t.Kind}",
                BuiltinTypes.ApiExtensionsGroup => $"io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.{t.Version}.{t.Kind}",
                _ => $"io.k8s.api.{t.Group.Split('.')[0]}.{t.Version}.{t.Kind}",
            };
        }

        var reversed = string.Join('.', t.Group.Split('.').Reverse());
        return $"{reversed}.{t.Version}.{t.Kind}";
    }

    private static JsonObject KindSchema(ResourceType t)
    {
        JsonObject schema;
        if (t.IsCustom)
        {
            schema = t.Schema?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
            schema["type"] ??= "object";
            if (schema["properties"] is not JsonObject props)
            {
                props = new JsonObject();
                schema["properties"] = props;
            }

            props["apiVersion"] = Prim("string", "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources");
            props["kind"] = Prim("string", "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds");
            props["metadata"] = new JsonObject
            {
                ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = ObjectMetaRef }),
                ["description"] = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
            };
        }
        else
        {
            schema = t.BuiltinSchema?.DeepClone() as JsonObject ?? new JsonObject { ["type"] = "object" };
        }

        schema["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(t, t.Kind));
        return schema;
    }

    private static JsonObject ListSchema(ResourceType t, string itemName) => new()
    {
        ["description"] = $"{t.Kind}List is a list of {t.Kind}",
        ["type"] = "object",
        ["required"] = new JsonArray("items"),
        ["properties"] = new JsonObject
        {
            ["apiVersion"] = Prim("string", "APIVersion defines the versioned schema of this representation of an object."),
            ["items"] = new JsonObject
            {
                ["description"] = $"List of {t.Plural}.",
                ["type"] = "array",
                ["items"] = new JsonObject { ["$ref"] = "#/components/schemas/" + itemName },
            },
            ["kind"] = Prim("string", "Kind is a string value representing the REST resource this object represents."),
            ["metadata"] = new JsonObject { ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = ListMetaRef }) },
        },
        ["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(t, t.ListKind)),
    };

    private static void AddPaths(JsonObject paths, ResourceType t, string schemaName)
    {
        var objRef = "#/components/schemas/" + schemaName;
        var listRef = objRef + "List";
        var prefix = t.UrlPrefix + (t.Namespaced ? "/namespaces/{namespace}/" : "/") + t.Plural;
        var nsParam = t.Namespaced ? new[] { PathParam("namespace") } : [];

        paths[prefix] = new JsonObject
        {
            ["get"] = Op(t, "list", $"list or watch objects of kind {t.Kind}", listRef, Params(["allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch"])),
            ["post"] = Op(t, "post", $"create a {t.Kind}", objRef, Params(["dryRun", "fieldManager", "fieldValidation"]), Body(objRef, t, patch: false)),
            ["delete"] = Op(t, "deletecollection", $"delete collection of {t.Kind}", StatusRef, Params(["labelSelector", "fieldSelector"])),
            ["parameters"] = new JsonArray(nsParam.Select(p => (JsonNode)p.DeepClone()).ToArray()),
        };

        var itemParams = new JsonArray(nsParam.Select(p => (JsonNode)p.DeepClone()).Append(PathParam("name")).ToArray());
        paths[prefix + "/{name}"] = new JsonObject
        {
            ["get"] = Op(t, "get", $"read the specified {t.Kind}", objRef, []),
            ["put"] = Op(t, "put", $"replace the specified {t.Kind}", objRef, Params(["dryRun", "fieldManager", "fieldValidation"]), Body(objRef, t, patch: false)),
            ["patch"] = Op(t, "patch", $"partially update the specified {t.Kind}", objRef, Params(["dryRun", "fieldManager", "fieldValidation", "force"]), Body(objRef, t, patch: true)),
            ["delete"] = Op(t, "delete", $"delete a {t.Kind}", StatusRef, Params(["dryRun", "gracePeriodSeconds", "propagationPolicy"])),
            ["parameters"] = itemParams,
        };

        if (t.HasStatusSubresource)
        {
            paths[prefix + "/{name}/status"] = new JsonObject
            {
                ["get"] = Op(t, "get", $"read status of the specified {t.Kind}", objRef, []),
                ["put"] = Op(t, "put", $"replace status of the specified {t.Kind}", objRef, Params(["dryRun", "fieldManager", "fieldValidation"]), Body(objRef, t, patch: false)),
                ["patch"] = Op(t, "patch", $"partially update status of the specified {t.Kind}", objRef, Params(["dryRun", "fieldManager", "fieldValidation", "force"]), Body(objRef, t, patch: true)),
                ["parameters"] = itemParams.DeepClone(),
            };
        }
    }

    private static JsonObject Op(ResourceType t, string action, string description, string responseRef, JsonArray parameters, JsonObject? body = null)
    {
        var op = new JsonObject
        {
            ["tags"] = new JsonArray(t.GroupVersion),
            ["description"] = description,
            ["operationId"] = action + t.Kind,
            ["parameters"] = parameters,
        };
        if (body != null)
        {
            op["requestBody"] = body;
        }

        op["responses"] = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = "OK",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = responseRef } } },
            },
        };
        op["x-kubernetes-action"] = action;
        op["x-kubernetes-group-version-kind"] = Gvk(t, t.Kind);
        return op;
    }

    private static JsonObject Body(string objRef, ResourceType t, bool patch)
    {
        var content = new JsonObject();
        if (patch)
        {
            foreach (var mt in new[] { Patches.JsonPatch, Patches.MergePatch, Patches.ApplyPatch })
            {
                content[mt] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } };
            }
        }
        else
        {
            content["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = objRef } };
        }

        return new JsonObject { ["content"] = content, ["required"] = true };
    }

    private static JsonArray Params(IEnumerable<string> names) =>
        new(names.Select(n => (JsonNode)new JsonObject
        {
            ["name"] = n,
            ["in"] = "query",
            ["description"] = n,
            ["schema"] = new JsonObject { ["type"] = n is "watch" or "allowWatchBookmarks" or "sendInitialEvents" or "force" ? "boolean" : n is "limit" or "timeoutSeconds" or "gracePeriodSeconds" ? "integer" : "string", ["uniqueItems"] = true },
        }).ToArray());

    private static JsonObject PathParam(string name) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["description"] = name + " of the resource",
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };

    private static JsonObject Gvk(ResourceType t, string kind) =>
        new() { ["group"] = t.Group, ["kind"] = kind, ["version"] = t.Version };

    private static JsonObject Prim(string type, string description) => new() { ["description"] = description, ["type"] = type };

    private static JsonObject ObjectMeta()
    {
        var strMap = new Func<string, JsonObject>(d => new JsonObject { ["description"] = d, ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string", ["default"] = string.Empty } });
        return new JsonObject
        {
            ["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["annotations"] = strMap("Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata."),
                ["creationTimestamp"] = new JsonObject { ["description"] = "CreationTimestamp is a timestamp representing the server time when this object was created.", ["type"] = "string", ["format"] = "date-time" },
                ["deletionGracePeriodSeconds"] = new JsonObject { ["description"] = "Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.", ["type"] = "integer", ["format"] = "int64" },
                ["deletionTimestamp"] = new JsonObject { ["description"] = "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.", ["type"] = "string", ["format"] = "date-time" },
                ["finalizers"] = new JsonObject { ["description"] = "Must be empty before the object is deleted from the registry.", ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string", ["default"] = string.Empty }, ["x-kubernetes-list-type"] = "set", ["x-kubernetes-patch-strategy"] = "merge" },
                ["generateName"] = Prim("string", "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided."),
                ["generation"] = new JsonObject { ["description"] = "A sequence number representing a specific generation of the desired state.", ["type"] = "integer", ["format"] = "int64" },
                ["labels"] = strMap("Map of string keys and values that can be used to organize and categorize (scope and select) objects."),
                ["managedFields"] = new JsonObject { ["description"] = "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.", ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true } },
                ["name"] = Prim("string", "Name must be unique within a namespace."),
                ["namespace"] = Prim("string", "Namespace defines the space within which each name must be unique."),
                ["ownerReferences"] = new JsonObject { ["description"] = "List of objects depended by this object.", ["type"] = "array", ["items"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true }, ["x-kubernetes-patch-merge-key"] = "uid", ["x-kubernetes-patch-strategy"] = "merge" },
                ["resourceVersion"] = Prim("string", "An opaque value that represents the internal version of this object."),
                ["selfLink"] = Prim("string", "Deprecated: selfLink is a legacy read-only field that is no longer populated by the system."),
                ["uid"] = Prim("string", "UID is the unique in time and space value for this object."),
            },
        };
    }
}
