using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>Per-request write settings: fieldValidation (Strict, Warn, Ignore), dryRun, and the warnings to answer with.</summary>
public sealed class WriteOptions
{
    public string FieldValidation { get; init; } = "Warn";

    public bool DryRun { get; init; }

    public List<string> Warnings { get; } = [];
}

/// <summary>
/// The semantics of get, list, create, update, patch and delete, as the API server applies them: namespaces must
/// exist, metadata is validated, uid/creationTimestamp/resourceVersion are server-set, metadata.generation bumps
/// on spec changes only, stale resourceVersions conflict, status is written only through /status when the type
/// has that subresource, custom resources are defaulted/pruned/validated against their CRD schema, no-op writes
/// don't bump the resourceVersion, finalizers hold deletion (deletionTimestamp) until they are removed, and
/// deleting an owner deletes its dependents (ownerReferences, done synchronously unless Orphan).
/// </summary>
public sealed class ResourceHandlers
{
    private static readonly string[] ProtectedNamespaces = ["default", "kube-system", "kube-public"];
    private static readonly string[] ServerManagedMeta = ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace", "name"];

    private readonly ObjectStore store;
    private readonly ResourceRegistry registry;

    public ResourceHandlers(ObjectStore store, ResourceRegistry registry)
    {
        this.store = store;
        this.registry = registry;
    }

    public const string NamespacesKey = "/namespaces";

    // ---- representation ----

    /// <summary>The stored object as the given version serves it: converted, apiVersion and kind first.</summary>
    public static JsonObject ToServed(ResourceType type, JsonObject stored)
    {
        var src = type.Converter?.ToServed(stored) ?? stored;
        var result = new JsonObject { ["apiVersion"] = type.GroupVersion, ["kind"] = type.Kind };
        foreach (var (k, v) in src)
        {
            if (k is not ("apiVersion" or "kind"))
            {
                result[k] = v?.DeepClone();
            }
        }

        return result;
    }

    private static JsonObject Incoming(ResourceType type, JsonObject body)
    {
        var apiVersion = Json.Str(body["apiVersion"]);
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.GroupVersion)
        {
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.GroupVersion})");
        }

        var kind = Json.Str(body["kind"]);
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
        {
            throw ApiError.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }

        var obj = (JsonObject)body.DeepClone();
        obj["apiVersion"] = type.GroupVersion;
        obj["kind"] = type.Kind;
        if (obj["metadata"] is not JsonObject)
        {
            obj["metadata"] = new JsonObject();
        }

        return type.Converter?.ToStored(obj) ?? obj;
    }

    // ---- reads ----
    public JsonObject Get(ResourceType type, string ns, string name) =>
        ToServed(type, store.Get(type.StorageKey, ns, name) ?? throw ApiError.NotFound(type, name));

    public (List<JsonObject> Items, long ResourceVersion) List(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        lock (store.Sync)
        {
            var items = new List<JsonObject>();
            foreach (var o in store.List(type.StorageKey, ns))
            {
                var served = ToServed(type, o);
                if (labels.Matches(served["metadata"]?["labels"] as JsonObject) && fields.Matches(served))
                {
                    items.Add(served);
                }
            }

            return (items, store.CurrentResourceVersion);
        }
    }

    // ---- writes ----
    public JsonObject Create(ResourceType type, string ns, JsonObject body, WriteOptions opts)
    {
        lock (store.Sync)
        {
            var obj = Incoming(type, body);
            var meta = Json.Metadata(obj);
            SetNamespace(type, meta, ns);
            ObjectMetaRules.GenerateName(meta);
            if (!string.IsNullOrEmpty(Json.Str(meta["resourceVersion"])))
            {
                throw ApiError.Internal("resourceVersion should not be set on objects to be created");
            }

            var name = Json.Name(obj);
            var errors = ObjectMetaRules.Validate(type, obj);
            if (IsCrd(type))
            {
                Crds.ApplyDefaults(obj);
                errors.AddRange(Crds.Validate(obj));
            }

            if (type.DropStatusOnCreate)
            {
                obj.Remove("status");
            }

            ValidateSchema(type, obj, name, errors, opts, reportUnknown: true);
            if (store.Exists(type.StorageKey, type.Namespaced ? ns : string.Empty, name))
            {
                throw ApiError.AlreadyExists(type, name);
            }

            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Json.Now();
            foreach (var drop in new[] { "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink", "generation" })
            {
                meta.Remove(drop);
            }

            if (type.TracksGeneration)
            {
                meta["generation"] = 1;
            }

            BuiltinStrategies.Normalize(type, obj, creating: true);
            if (IsCrd(type))
            {
                Crds.SetStatus(obj, null);
            }

            if (opts.DryRun)
            {
                return ToServed(type, obj);
            }

            var stored = store.Put(type.StorageKey, obj);
            if (IsCrd(type))
            {
                registry.SetCustom(name, Crds.TypesOf(stored));
            }

            return ToServed(type, stored);
        }
    }

    /// <summary>PUT. Returns the result and whether it created the object (Events allow create-on-update).</summary>
    public (JsonObject Result, bool Created) Update(ResourceType type, string ns, string name, JsonObject body, bool status, WriteOptions opts)
    {
        lock (store.Sync)
        {
            var incoming = Incoming(type, body);
            var meta = Json.Metadata(incoming);
            var bodyName = Json.Str(meta["name"]);
            if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
            {
                throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            }

            meta["name"] = name;
            SetNamespace(type, meta, ns);
            var old = store.Get(type.StorageKey, type.Namespaced ? ns : string.Empty, name);
            if (old == null)
            {
                if (type.AllowCreateOnUpdate && !status)
                {
                    var createBody = (JsonObject)body.DeepClone();
                    Json.Metadata(createBody).Remove("resourceVersion");
                    return (Create(type, ns, createBody, opts), true);
                }

                throw ApiError.NotFound(type, name);
            }

            var rv = Json.Str(meta["resourceVersion"]);
            if (string.IsNullOrEmpty(rv))
            {
                if (type.RequireResourceVersionOnUpdate)
                {
                    throw ApiError.Invalid(type, name, [new StatusCause("FieldValueInvalid", "Invalid value: 0x0: must be specified for an update", "metadata.resourceVersion")]);
                }
            }
            else if (rv != Json.ResourceVersion(old))
            {
                throw ApiError.StaleConflict(type, name);
            }

            CheckUid(type, name, meta, old);
            var updated = Prepare(type, old, incoming, status, opts);
            return (Commit(type, old, updated, opts), false);
        }
    }

    public (JsonObject Result, bool Created) Patch(ResourceType type, string ns, string name, string patchText, string contentType, bool status, WriteOptions opts)
    {
        lock (store.Sync)
        {
            var patch = Patches.ParseBody(patchText, contentType);
            var old = store.Get(type.StorageKey, type.Namespaced ? ns : string.Empty, name);
            if (old == null)
            {
                if (contentType == Patches.ApplyPatch && !status && patch is JsonObject applied)
                {
                    var body = (JsonObject)applied.DeepClone();
                    Json.Metadata(body)["name"] = name;
                    return (Create(type, ns, body, opts), true);
                }

                throw ApiError.NotFound(type, name);
            }

            if (contentType == Patches.StrategicMergePatch && type.IsCustom)
            {
                throw ApiError.UnsupportedMediaType(contentType);
            }

            var served = ToServed(type, old);
            var patched = contentType switch
            {
                Patches.MergePatch or Patches.ApplyPatch => Patches.Merge(served, patch),
                Patches.JsonPatch => Patches.ApplyJsonPatch(served, patch as JsonArray ?? throw ApiError.BadRequest("json patch must be a JSON array of operations")),
                Patches.StrategicMergePatch => Patches.Strategic(served, patch, type.Kind),
                _ => throw ApiError.UnsupportedMediaType(contentType),
            };
            if (patched is not JsonObject patchedObj)
            {
                throw ApiError.BadRequest("the patch did not produce an object");
            }

            var meta = Json.Metadata(patchedObj);
            var rv = Json.Str(meta["resourceVersion"]);
            if (!string.IsNullOrEmpty(rv) && rv != Json.ResourceVersion(old))
            {
                throw ApiError.StaleConflict(type, name);
            }

            CheckUid(type, name, meta, old);
            meta["resourceVersion"] = Json.ResourceVersion(old);
            meta["name"] = name;
            SetNamespace(type, meta, ns, strict: false);
            var updated = Prepare(type, old, Incoming(type, patchedObj), status, opts);
            return (Commit(type, old, updated, opts), false);
        }
    }

    /// <summary>DELETE of one object: the deleted (or deletion-pending) object, or a Success Status where the real registry answers so.</summary>
    public JsonObject Delete(ResourceType type, string ns, string name, JsonObject? options, WriteOptions opts)
    {
        var result = DeleteOne(type, ns, name, options, opts);
        if (type.ReturnDeletedObject || result["metadata"]?["deletionTimestamp"] != null)
        {
            return result;
        }

        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Plural;
        details["uid"] = Json.Str(result["metadata"]?["uid"]);
        var status = ApiError.Status(200, string.Empty, string.Empty, details);
        status.Remove("message");
        status.Remove("reason");
        status.Remove("code");
        return status;
    }

    private JsonObject DeleteOne(ResourceType type, string ns, string name, JsonObject? options, WriteOptions opts)
    {
        lock (store.Sync)
        {
            var old = store.Get(type.StorageKey, type.Namespaced ? ns : string.Empty, name) ?? throw ApiError.NotFound(type, name);
            if (options?["preconditions"] is JsonObject pre)
            {
                if (Json.Str(pre["uid"]) is { Length: > 0 } uid && uid != Json.Str(old["metadata"]?["uid"]))
                {
                    throw ApiError.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {Json.Str(old["metadata"]?["uid"])}");
                }

                if (Json.Str(pre["resourceVersion"]) is { Length: > 0 } rv && rv != Json.ResourceVersion(old))
                {
                    throw ApiError.Conflict(type, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {Json.ResourceVersion(old)}");
                }
            }

            if (IsNamespaceType(type) && ProtectedNamespaces.Contains(name))
            {
                throw ApiError.Forbidden(type, name, "this namespace may not be deleted");
            }

            if (opts.DryRun)
            {
                return ToServed(type, old);
            }

            return DeleteObject(type, old, Json.Str(options?["propagationPolicy"]));
        }
    }

    public List<JsonObject> DeleteCollection(ResourceType type, string? ns, LabelSelector labels, FieldSelector fields, JsonObject? options, WriteOptions opts)
    {
        lock (store.Sync)
        {
            var (items, _) = List(type, ns, labels, fields);
            var result = new List<JsonObject>();
            foreach (var item in items)
            {
                if (IsNamespaceType(type) && ProtectedNamespaces.Contains(Json.Name(item)))
                {
                    continue;
                }

                var stored = store.Get(type.StorageKey, Json.Namespace(item), Json.Name(item));
                if (stored != null)
                {
                    result.Add(opts.DryRun ? ToServed(type, stored) : DeleteObject(type, stored, Json.Str(options?["propagationPolicy"])));
                }
            }

            return result;
        }
    }

    /// <summary>Makes sure the namespaces a fresh cluster has exist.</summary>
    public void EnsureNamespaces(IEnumerable<string> names)
    {
        var type = registry.Find(string.Empty, "v1", "namespaces")!;
        lock (store.Sync)
        {
            foreach (var n in names)
            {
                if (!store.Exists(NamespacesKey, string.Empty, n))
                {
                    Create(type, string.Empty, new JsonObject { ["metadata"] = new JsonObject { ["name"] = n } }, new WriteOptions());
                }
            }
        }
    }

    /// <summary>Registers the types of every stored CRD (after loading persisted state).</summary>
    public void RegisterStoredCrds()
    {
        foreach (var crd in store.List(BuiltinTypes.ApiExtensionsGroup + "/" + BuiltinTypes.CrdPlural, null))
        {
            try
            {
                registry.SetCustom(Json.Name(crd), Crds.TypesOf(crd));
            }
            catch (Exception e) when (e is InvalidCastException or NullReferenceException)
            {
                Console.Error.WriteLine($"localcluster: skipping stored CRD {Json.Name(crd)}: {e.Message}");
            }
        }
    }

    // ---- internals ----
    private static bool IsCrd(ResourceType type) => !type.IsCustom && type.Group == BuiltinTypes.ApiExtensionsGroup && type.Plural == BuiltinTypes.CrdPlural;

    private static bool IsNamespaceType(ResourceType type) => !type.IsCustom && type.Group.Length == 0 && type.Plural == "namespaces";

    private void SetNamespace(ResourceType type, JsonObject meta, string ns, bool strict = true)
    {
        if (!type.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }

        var bodyNs = Json.Str(meta["namespace"]);
        if (strict && !string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
        {
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }

        meta["namespace"] = ns;
        if (!store.Exists(NamespacesKey, string.Empty, ns))
        {
            throw ApiError.NamespaceNotFound(ns);
        }
    }

    private static void CheckUid(ResourceType type, string name, JsonObject meta, JsonObject old)
    {
        var uid = Json.Str(meta["uid"]);
        var oldUid = Json.Str(old["metadata"]?["uid"]);
        if (!string.IsNullOrEmpty(uid) && uid != oldUid)
        {
            throw ApiError.Conflict(type, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {oldUid}");
        }
    }

    /// <summary>The object an update would store: server-managed metadata and (with /status) the other half kept from the old object.</summary>
    private JsonObject Prepare(ResourceType type, JsonObject old, JsonObject incoming, bool statusOnly, WriteOptions opts)
    {
        JsonObject result;
        var name = Json.Name(old);
        var errors = new List<StatusCause>();
        if (statusOnly)
        {
            result = (JsonObject)old.DeepClone();
            if (incoming["status"] is { } st)
            {
                result["status"] = st.DeepClone();
            }
            else
            {
                result.Remove("status");
            }
        }
        else
        {
            result = (JsonObject)incoming.DeepClone();
            var meta = Json.Metadata(result);
            var oldMeta = (JsonObject)old["metadata"]!;
            foreach (var key in ServerManagedMeta)
            {
                if (oldMeta[key] is { } v)
                {
                    meta[key] = v.DeepClone();
                }
                else
                {
                    meta.Remove(key);
                }
            }

            meta.Remove("managedFields");
            meta.Remove("selfLink");
            if (type.HasStatusSubresource)
            {
                if (old["status"] is { } st)
                {
                    result["status"] = st.DeepClone();
                }
                else
                {
                    result.Remove("status");
                }
            }

            if (oldMeta["deletionTimestamp"] != null)
            {
                var before = (oldMeta["finalizers"] as JsonArray)?.Select(Json.Str).ToHashSet() ?? [];
                if ((meta["finalizers"] as JsonArray)?.Select(Json.Str).Any(f => !before.Contains(f)) == true)
                {
                    errors.Add(new StatusCause("FieldValueForbidden", "Forbidden: no new finalizers can be added if the object is being deleted", "metadata.finalizers"));
                }
            }

            errors.AddRange(ObjectMetaRules.Validate(type, result));
            BuiltinStrategies.Normalize(type, result, creating: false);
            if (IsCrd(type))
            {
                Crds.ApplyDefaults(result);
                errors.AddRange(Crds.Validate(result));
            }
        }

        ValidateSchema(type, result, name, errors, opts, reportUnknown: !statusOnly, old);
        return result;
    }

    private static void ValidateSchema(ResourceType type, JsonObject obj, string name, List<StatusCause> errors, WriteOptions opts, bool reportUnknown, JsonObject? old = null)
    {
        var unknown = new List<string>();
        if (type.IsCustom && type.Schema != null)
        {
            var r = SchemaValidator.Apply(obj, type.Schema, old);
            errors.AddRange(r.Errors);
            unknown = r.UnknownFields;
        }

        if (errors.Count > 0)
        {
            throw ApiError.Invalid(type, name, errors);
        }

        if (!reportUnknown || unknown.Count == 0)
        {
            return;
        }

        if (opts.FieldValidation == "Strict")
        {
            throw ApiError.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", unknown.Select(u => $"unknown field \"{u}\""))}");
        }

        if (opts.FieldValidation != "Ignore")
        {
            opts.Warnings.AddRange(unknown.Select(u => $"unknown field \"{u}\""));
        }
    }

    /// <summary>Stores an update unless it changes nothing; bumps generation on spec changes; completes finalized deletions.</summary>
    private JsonObject Commit(ResourceType type, JsonObject old, JsonObject updated, WriteOptions opts)
    {
        var meta = Json.Metadata(updated);
        meta["resourceVersion"] = Json.ResourceVersion(old);
        if (IsCrd(type))
        {
            Crds.SetStatus(updated, old["status"] as JsonObject);
        }

        if (JsonNode.DeepEquals(old, updated))
        {
            return ToServed(type, old);
        }

        if (type.TracksGeneration && SpecChanged(type, old, updated))
        {
            meta["generation"] = (Json.Int(old["metadata"]?["generation"]) ?? 0) + 1;
        }

        if (meta["deletionTimestamp"] != null && (meta["finalizers"] as JsonArray is not { Count: > 0 }))
        {
            if (opts.DryRun)
            {
                return ToServed(type, updated);
            }

            store.Put(type.StorageKey, updated);
            var removed = store.Remove(type.StorageKey, Json.Namespace(updated), Json.Name(updated))!;
            AfterRemove(type, removed, null);
            return ToServed(type, removed);
        }

        if (opts.DryRun)
        {
            return ToServed(type, updated);
        }

        var stored = store.Put(type.StorageKey, updated);
        if (IsCrd(type))
        {
            registry.SetCustom(Json.Name(stored), Crds.TypesOf(stored));
        }

        return ToServed(type, stored);
    }

    private static bool SpecChanged(ResourceType type, JsonObject old, JsonObject updated)
    {
        var a = (JsonObject)old.DeepClone();
        var b = (JsonObject)updated.DeepClone();
        foreach (var o in new[] { a, b })
        {
            o.Remove("metadata");
            o.Remove("apiVersion");
            o.Remove("kind");
            if (type.HasStatusSubresource)
            {
                o.Remove("status");
            }
        }

        return !JsonNode.DeepEquals(a, b);
    }

    /// <summary>Deletes now, or marks for deletion while finalizers remain.</summary>
    private JsonObject DeleteObject(ResourceType type, JsonObject stored, string? propagation)
    {
        var meta = Json.Metadata(stored);
        if (meta["finalizers"] is JsonArray { Count: > 0 })
        {
            if (meta["deletionTimestamp"] != null)
            {
                return ToServed(type, stored);
            }

            var marked = (JsonObject)stored.DeepClone();
            Json.Metadata(marked)["deletionTimestamp"] = Json.Now();
            Json.Metadata(marked)["deletionGracePeriodSeconds"] = 0;
            return ToServed(type, store.Put(type.StorageKey, marked));
        }

        var removed = store.Remove(type.StorageKey, Json.Namespace(stored), Json.Name(stored))!;
        AfterRemove(type, removed, propagation);
        return ToServed(type, removed);
    }

    private void AfterRemove(ResourceType type, JsonObject removed, string? propagation)
    {
        var name = Json.Name(removed);
        if (IsNamespaceType(type))
        {
            foreach (var t in DistinctStorageTypes().Where(t => t.Namespaced))
            {
                foreach (var o in store.List(t.StorageKey, name))
                {
                    DeleteObject(t, o, propagation);
                }
            }
        }

        if (IsCrd(type))
        {
            var custom = registry.CustomTypesOf(name);
            if (custom.Count > 0)
            {
                foreach (var o in store.List(custom[0].StorageKey, null))
                {
                    store.Remove(custom[0].StorageKey, Json.Namespace(o), Json.Name(o));
                }
            }

            registry.RemoveCustom(name);
        }

        if (propagation == "Orphan" || Json.Str(removed["metadata"]?["uid"]) is not { Length: > 0 } uid)
        {
            return;
        }

        foreach (var t in DistinctStorageTypes())
        {
            foreach (var o in store.List(t.StorageKey, null))
            {
                if ((o["metadata"]?["ownerReferences"] as JsonArray)?.Any(r => Json.Str(r?["uid"]) == uid) == true
                    && store.Get(t.StorageKey, Json.Namespace(o), Json.Name(o)) is { } current)
                {
                    DeleteObject(t, current, propagation);
                }
            }
        }
    }

    private IEnumerable<ResourceType> DistinctStorageTypes() =>
        registry.All.GroupBy(t => t.StorageKey).Select(g => g.OrderByDescending(t => t.Preferred).First()).ToList();
}
