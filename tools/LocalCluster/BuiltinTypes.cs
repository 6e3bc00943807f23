using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// The built-in kinds this stand-in serves. They are stored as JSON without schema validation; each carries
/// its table columns (like the real server's printers) and a minimal OpenAPI schema for explain and apply.
/// </summary>
public static class BuiltinTypes
{
    public const string CrdPlural = "customresourcedefinitions";
    public const string ApiExtensionsGroup = "apiextensions.k8s.io";

    public static IReadOnlyList<ResourceType> Create() =>
    [
        new ResourceType
        {
            Group = "", Version = "v1", Plural = "namespaces", ReturnDeletedObject = true, Singular = "namespace", Kind = "Namespace", Namespaced = false,
            ShortNames = ["ns"], HasStatusSubresource = true,
            Columns = [Col("Status", "string", o => Json.Str(Json.At(o, "status.phase")) ?? "Active"), Age()],
            BuiltinSchema = Schema("Namespace provides a scope for Names.", ("spec", Free("Spec defines the behavior of the Namespace.")), ("status", Free("Status describes the current status of a Namespace."))),
        },
        new ResourceType
        {
            Group = "", Version = "v1", Plural = "nodes", Singular = "node", Kind = "Node", Namespaced = false,
            ShortNames = ["no"], HasStatusSubresource = true,
            Columns =
            [
                Col("Status", "string", NodeStatus), Col("Roles", "string", NodeRoles), Age(),
                Col("Version", "string", o => Json.Str(Json.At(o, "status.nodeInfo.kubeletVersion")) ?? string.Empty),
                Col("Internal-IP", "string", o => NodeAddress(o, "InternalIP"), 1),
                Col("External-IP", "string", o => NodeAddress(o, "ExternalIP"), 1),
            ],
            BuiltinSchema = Schema(
                "Node is a worker node in Kubernetes.",
                ("spec", Obj("NodeSpec describes the attributes that a node is created with.", ("unschedulable", Prim("boolean", "Unschedulable controls node schedulability of new pods.")), ("podCIDR", Prim("string", "PodCIDR represents the pod IP range assigned to the node.")), ("providerID", Prim("string", "ID of the node assigned by the cloud provider.")), ("taints", Free("If specified, the node's taints.", "array")))),
                ("status", Free("Most recently observed status of the node."))),
        },
        new ResourceType
        {
            Group = "", Version = "v1", Plural = "secrets", Singular = "secret", Kind = "Secret", Namespaced = true,
            Columns = [Col("Type", "string", o => Json.Str(o["type"]) ?? "Opaque"), Col("Data", "integer", o => (o["data"] as JsonObject)?.Count ?? 0), Age()],
            BuiltinSchema = Schema(
                "Secret holds secret data of a certain type.",
                ("data", Map("Data contains the secret data, base64 encoded.", "string")),
                ("stringData", Map("stringData allows specifying non-binary secret data in string form.", "string")),
                ("type", Prim("string", "Used to facilitate programmatic handling of secret data.")),
                ("immutable", Prim("boolean", "Immutable, if set to true, ensures that data stored in the Secret cannot be updated."))),
        },
        new ResourceType
        {
            Group = "", Version = "v1", Plural = "configmaps", Singular = "configmap", Kind = "ConfigMap", Namespaced = true,
            ShortNames = ["cm"],
            Columns = [Col("Data", "integer", o => ((o["data"] as JsonObject)?.Count ?? 0) + ((o["binaryData"] as JsonObject)?.Count ?? 0)), Age()],
            BuiltinSchema = Schema(
                "ConfigMap holds configuration data for pods to consume.",
                ("data", Map("Data contains the configuration data.", "string")),
                ("binaryData", Map("BinaryData contains the binary data.", "string")),
                ("immutable", Prim("boolean", "Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated."))),
        },
        new ResourceType
        {
            Group = "", Version = "v1", Plural = "events", Singular = "event", Kind = "Event", Namespaced = true,
            ShortNames = ["ev"], AllowCreateOnUpdate = true, NameColumnFirst = false,
            Columns =
            [
                Col("Last Seen", "string", EventLastSeen), Col("Type", "string", o => Json.Str(o["type"]) ?? string.Empty),
                Col("Reason", "string", o => Json.Str(o["reason"]) ?? string.Empty),
                Col("Object", "string", o => $"{(Json.Str(Json.At(o, "involvedObject.kind")) ?? string.Empty).ToLowerInvariant()}/{Json.Str(Json.At(o, "involvedObject.name"))}"),
                Col("Message", "string", o => Json.Str(o["message"]) ?? string.Empty),
            ],
            BuiltinSchema = Schema(
                "Event is a report of an event somewhere in the cluster.",
                ("involvedObject", Free("The object that this event is about.")), ("reason", Prim("string", "A short, machine understandable string that gives the reason for the transition.")),
                ("message", Prim("string", "A human-readable description of the status of this operation.")), ("type", Prim("string", "Type of this event (Normal, Warning).")),
                ("source", Free("The component reporting this event.")), ("count", Prim("integer", "The number of times this event has occurred.")),
                ("firstTimestamp", Prim("string", "The time at which the event was first recorded.")), ("lastTimestamp", Prim("string", "The time at which the most recent occurrence of this event was recorded.")),
                ("eventTime", Prim("string", "Time when this Event was first observed.")), ("action", Prim("string", "What action was taken/failed regarding to the Regarding object.")),
                ("related", Free("Optional secondary object for more complex actions.")), ("series", Free("Data about the Event series this event represents.")),
                ("reportingComponent", Prim("string", "Name of the controller that emitted this Event.")), ("reportingInstance", Prim("string", "ID of the controller instance."))),
        },
        new ResourceType
        {
            Group = "", Version = "v1", Plural = "pods", ReturnDeletedObject = true, Singular = "pod", Kind = "Pod", Namespaced = true,
            ShortNames = ["po"], Categories = ["all"], HasStatusSubresource = true,
            Columns = [Col("Ready", "string", PodReady), Col("Status", "string", o => Json.Str(Json.At(o, "status.phase")) ?? "Pending"), Col("Restarts", "string", PodRestarts), Age(), Col("IP", "string", o => Json.Str(Json.At(o, "status.podIP")) ?? "<none>", 1), Col("Node", "string", o => Json.Str(Json.At(o, "spec.nodeName")) ?? "<none>", 1)],
            BuiltinSchema = Schema("Pod is a collection of containers that can run on a host.", ("spec", Free("Specification of the desired behavior of the pod.")), ("status", Free("Most recently observed status of the pod."))),
        },
        new ResourceType
        {
            Group = "", Version = "v1", Plural = "services", ReturnDeletedObject = true, Singular = "service", Kind = "Service", Namespaced = true,
            ShortNames = ["svc"], Categories = ["all"], HasStatusSubresource = true,
            Columns =
            [
                Col("Type", "string", o => Json.Str(Json.At(o, "spec.type")) ?? "ClusterIP"),
                Col("Cluster-IP", "string", o => Json.Str(Json.At(o, "spec.clusterIP")) ?? "<none>"),
                Col("External-IP", "string", ServiceExternalIp),
                Col("Port(s)", "string", ServicePorts), Age(),
                Col("Selector", "string", o => o["spec"]?["selector"] is JsonObject sel ? string.Join(",", sel.Select(kv => $"{kv.Key}={Json.ScalarText(kv.Value)}")) : "<none>", 1),
            ],
            BuiltinSchema = Schema("Service is a named abstraction of software service.", ("spec", Free("Spec defines the behavior of a service.")), ("status", Free("Most recently observed status of the service."))),
        },
        new ResourceType
        {
            Group = "", Version = "v1", Plural = "serviceaccounts", Singular = "serviceaccount", Kind = "ServiceAccount", Namespaced = true,
            ShortNames = ["sa"],
            Columns = [Col("Secrets", "integer", o => (o["secrets"] as JsonArray)?.Count ?? 0), Age()],
            BuiltinSchema = Schema("ServiceAccount binds together a name, a principal and a set of secrets.", ("secrets", Free("Secrets.", "array")), ("imagePullSecrets", Free("ImagePullSecrets.", "array")), ("automountServiceAccountToken", Prim("boolean", "Whether pods running as this service account should have an API token automatically mounted."))),
        },
        new ResourceType
        {
            Group = "coordination.k8s.io", Version = "v1", Plural = "leases", Singular = "lease", Kind = "Lease", Namespaced = true,
            Columns = [Col("Holder", "string", o => Json.Str(Json.At(o, "spec.holderIdentity")) ?? string.Empty), Age()],
            BuiltinSchema = Schema(
                "Lease defines a lease concept.",
                ("spec", Obj(
                    "LeaseSpec is a specification of a Lease.",
                    ("holderIdentity", Prim("string", "holderIdentity contains the identity of the holder of a current lease.")),
                    ("leaseDurationSeconds", Prim("integer", "leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it.")),
                    ("acquireTime", Prim("string", "acquireTime is a time when the current lease was acquired.")),
                    ("renewTime", Prim("string", "renewTime is a time when the current holder of a lease has last updated the lease.")),
                    ("leaseTransitions", Prim("integer", "leaseTransitions is the number of transitions of a lease between holders.")),
                    ("strategy", Prim("string", "Strategy indicates the strategy for picking the leader for coordinated leader election.")),
                    ("preferredHolder", Prim("string", "PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up."))))),
        },
        new ResourceType
        {
            Group = "events.k8s.io", Version = "v1", Plural = "events", Singular = "event", Kind = "Event", Namespaced = true,
            ShortNames = ["ev"], AllowCreateOnUpdate = true, StorageKeyOverride = "/events", Converter = new EventsV1Converter(),
            Columns = [Col("Reason", "string", o => Json.Str(o["reason"]) ?? string.Empty), Col("Note", "string", o => Json.Str(o["note"]) ?? string.Empty), Age()],
            BuiltinSchema = Schema(
                "Event is a report of an event somewhere in the cluster.",
                ("regarding", Free("regarding contains the object this Event is about.")), ("related", Free("related is the optional secondary object for more complex actions.")),
                ("note", Prim("string", "note is a human-readable description of the status of this operation.")), ("reason", Prim("string", "reason is why the action was taken.")),
                ("type", Prim("string", "type is the type of this event (Normal, Warning).")), ("action", Prim("string", "action is what action was taken/failed regarding to the regarding object.")),
                ("eventTime", Prim("string", "eventTime is the time when this Event was first observed.")), ("series", Free("series is data about the Event series this event represents.")),
                ("reportingController", Prim("string", "reportingController is the name of the controller that emitted this Event.")), ("reportingInstance", Prim("string", "reportingInstance is the ID of the controller instance.")),
                ("deprecatedSource", Free("deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type.")),
                ("deprecatedFirstTimestamp", Prim("string", "deprecatedFirstTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type.")),
                ("deprecatedLastTimestamp", Prim("string", "deprecatedLastTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type.")),
                ("deprecatedCount", Prim("integer", "deprecatedCount is the deprecated field assuring backward compatibility with core.v1 Event type."))),
        },
        new ResourceType
        {
            Group = "discovery.k8s.io", Version = "v1", Plural = "endpointslices", Singular = "endpointslice", Kind = "EndpointSlice", Namespaced = true,
            TracksGeneration = true,
            Columns = [Col("AddressType", "string", o => Json.Str(o["addressType"]) ?? string.Empty), Col("Ports", "string", SlicePorts), Col("Endpoints", "string", SliceEndpoints), Age()],
            BuiltinSchema = Schema(
                "EndpointSlice represents a subset of the endpoints that implement a service.",
                ("addressType", Prim("string", "addressType specifies the type of address carried by this EndpointSlice.")),
                ("endpoints", Free("endpoints is a list of unique endpoints in this slice.", "array")),
                ("ports", Free("ports specifies the list of network ports exposed by each endpoint in this slice.", "array"))),
        },
        // Workloads are stored, never run: no pods are made, and the status stays as written (kubectl shows 0 ready).
        new ResourceType
        {
            Group = "apps", Version = "v1", Plural = "deployments", ReturnDeletedObject = true, Singular = "deployment", Kind = "Deployment", Namespaced = true,
            ShortNames = ["deploy"], Categories = ["all"], HasStatusSubresource = true, TracksGeneration = true,
            Columns =
            [
                Col("Ready", "string", o => $"{Json.Int(Json.At(o, "status.readyReplicas")) ?? 0}/{Json.Int(Json.At(o, "spec.replicas")) ?? 1}"),
                Col("Up-to-date", "integer", o => Json.Int(Json.At(o, "status.updatedReplicas")) ?? 0),
                Col("Available", "integer", o => Json.Int(Json.At(o, "status.availableReplicas")) ?? 0), Age(),
                Col("Containers", "string", o => ContainerField(o, "name"), 1), Col("Images", "string", o => ContainerField(o, "image"), 1),
            ],
            BuiltinSchema = Schema("Deployment enables declarative updates for Pods and ReplicaSets.", ("spec", Free("Specification of the desired behavior of the Deployment.")), ("status", Free("Most recently observed status of the Deployment."))),
        },
        new ResourceType
        {
            Group = "apps", Version = "v1", Plural = "daemonsets", ReturnDeletedObject = true, Singular = "daemonset", Kind = "DaemonSet", Namespaced = true,
            ShortNames = ["ds"], Categories = ["all"], HasStatusSubresource = true, TracksGeneration = true,
            Columns =
            [
                Col("Desired", "integer", o => Json.Int(Json.At(o, "status.desiredNumberScheduled")) ?? 0),
                Col("Current", "integer", o => Json.Int(Json.At(o, "status.currentNumberScheduled")) ?? 0),
                Col("Ready", "integer", o => Json.Int(Json.At(o, "status.numberReady")) ?? 0),
                Col("Up-to-date", "integer", o => Json.Int(Json.At(o, "status.updatedNumberScheduled")) ?? 0),
                Col("Available", "integer", o => Json.Int(Json.At(o, "status.numberAvailable")) ?? 0),
                Col("Node Selector", "string", o => Json.At(o, "spec.template.spec.nodeSelector") is JsonObject sel && sel.Count > 0 ? string.Join(",", sel.Select(kv => $"{kv.Key}={Json.ScalarText(kv.Value)}")) : "<none>"),
                Age(),
                Col("Containers", "string", o => ContainerField(o, "name"), 1), Col("Images", "string", o => ContainerField(o, "image"), 1),
            ],
            BuiltinSchema = Schema("DaemonSet represents the configuration of a daemon set.", ("spec", Free("The desired behavior of this daemon set.")), ("status", Free("The current status of this daemon set."))),
        },
        Rbac("clusterroles", "ClusterRole", false, Schema("ClusterRole is a cluster level, logical grouping of PolicyRules.", ("rules", Free("Rules holds all the PolicyRules for this ClusterRole.", "array")), ("aggregationRule", Free("AggregationRule is an optional field that describes how to build the Rules for this ClusterRole.")))),
        Rbac("clusterrolebindings", "ClusterRoleBinding", false, BindingSchema("ClusterRoleBinding references a ClusterRole, but not contain it.")),
        Rbac("roles", "Role", true, Schema("Role is a namespaced, logical grouping of PolicyRules.", ("rules", Free("Rules holds all the PolicyRules for this Role.", "array")))),
        Rbac("rolebindings", "RoleBinding", true, BindingSchema("RoleBinding references a role, but does not contain it.")),
        new ResourceType
        {
            Group = ApiExtensionsGroup, Version = "v1", Plural = CrdPlural, ReturnDeletedObject = true, Singular = "customresourcedefinition", Kind = "CustomResourceDefinition", Namespaced = false,
            ShortNames = ["crd", "crds"], Categories = ["api-extensions"], HasStatusSubresource = true, TracksGeneration = true,
            Columns = [Col("Created At", "date", o => Json.Str(Json.At(o, "metadata.creationTimestamp")), 0, rawTimestamp: true)],
            BuiltinSchema = Schema(
                "CustomResourceDefinition represents a resource that should be exposed on the API server.",
                ("spec", Free("spec describes how the user wants the resources to appear")), ("status", Free("status indicates the actual state of the CustomResourceDefinition"))),
        },
    ];

    private static ResourceType Rbac(string plural, string kind, bool namespaced, JsonObject schema) => new()
    {
        Group = "rbac.authorization.k8s.io",
        Version = "v1",
        Plural = plural,
        Singular = kind.ToLowerInvariant(),
        Kind = kind,
        Namespaced = namespaced,
        Columns = kind.EndsWith("Binding", StringComparison.Ordinal)
            ? [Col("Role", "string", o => $"{Json.Str(Json.At(o, "roleRef.kind"))}/{Json.Str(Json.At(o, "roleRef.name"))}"), Age()]
            : [Col("Created At", "date", o => Json.Str(Json.At(o, "metadata.creationTimestamp")), 0, rawTimestamp: true)],
        BuiltinSchema = schema,
    };

    private static JsonObject BindingSchema(string description) =>
        Schema(description, ("roleRef", Free("RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.")), ("subjects", Free("Subjects holds references to the objects the role applies to.", "array")));

    private static JsonNode? ContainerField(JsonObject o, string field) =>
        Json.At(o, "spec.template.spec.containers") is JsonArray containers ? string.Join(",", containers.Select(c => Json.Str(c?[field]))) : string.Empty;

    /// <summary>The AGE column the real server puts on built-in tables.</summary>
    public static PrinterColumn Age() => new("Age", "date", ".metadata.creationTimestamp", "CreationTimestamp is a timestamp representing the server time when this object was created.");

    private static PrinterColumn Col(string name, string type, Func<JsonObject, JsonNode?> compute, int priority = 0, bool rawTimestamp = false) =>
        new(name, rawTimestamp ? "string" : type, string.Empty, string.Empty, priority) { Compute = compute };

    private static JsonNode? NodeStatus(JsonObject o)
    {
        var ready = "Unknown";
        if (Json.At(o, "status.conditions") is JsonArray conds)
        {
            foreach (var c in conds)
            {
                if (Json.Str(c?["type"]) == "Ready")
                {
                    ready = Json.Str(c?["status"]) switch { "True" => "Ready", "False" => "NotReady", _ => "Unknown" };
                }
            }
        }

        if (Json.At(o, "spec.unschedulable") is JsonValue u && u.GetValueKind() == System.Text.Json.JsonValueKind.True)
        {
            ready += ",SchedulingDisabled";
        }

        return ready;
    }

    private static JsonNode? NodeRoles(JsonObject o)
    {
        var roles = new List<string>();
        if (Json.At(o, "metadata.labels") is JsonObject labels)
        {
            foreach (var (k, _) in labels)
            {
                if (k.StartsWith("node-role.kubernetes.io/", StringComparison.Ordinal))
                {
                    roles.Add(k["node-role.kubernetes.io/".Length..]);
                }
            }
        }

        return roles.Count == 0 ? "<none>" : string.Join(",", roles.Order(StringComparer.Ordinal));
    }

    private static JsonNode? NodeAddress(JsonObject o, string type)
    {
        if (Json.At(o, "status.addresses") is JsonArray addrs)
        {
            foreach (var a in addrs)
            {
                if (Json.Str(a?["type"]) == type)
                {
                    return Json.Str(a?["address"]);
                }
            }
        }

        return "<none>";
    }

    private static JsonNode? EventLastSeen(JsonObject o)
    {
        var t = Json.Str(o["lastTimestamp"]) ?? Json.Str(o["eventTime"]) ?? Json.Str(Json.At(o, "metadata.creationTimestamp"));
        return Json.TryParseTime(t, out var when) ? TableRenderer.HumanDuration(DateTime.UtcNow - when) : "<unknown>";
    }

    private static JsonNode? PodReady(JsonObject o)
    {
        var total = (Json.At(o, "spec.containers") as JsonArray)?.Count ?? 0;
        var ready = (Json.At(o, "status.containerStatuses") as JsonArray)?.Count(c => Json.At(c, "ready") is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.True) ?? 0;
        return $"{ready}/{total}";
    }

    private static JsonNode? PodRestarts(JsonObject o) =>
        ((Json.At(o, "status.containerStatuses") as JsonArray)?.Sum(c => Json.Int(Json.At(c, "restartCount")) ?? 0) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonNode? ServiceExternalIp(JsonObject o)
    {
        var ips = new List<string>();
        if (Json.At(o, "status.loadBalancer.ingress") is JsonArray ing)
        {
            ips.AddRange(ing.Select(i => Json.Str(i?["ip"]) ?? Json.Str(i?["hostname"])).OfType<string>());
        }

        if (Json.At(o, "spec.externalIPs") is JsonArray ext)
        {
            ips.AddRange(ext.Select(Json.Str).OfType<string>());
        }

        if (ips.Count > 0)
        {
            return string.Join(",", ips);
        }

        return Json.Str(Json.At(o, "spec.type")) == "LoadBalancer" ? "<pending>" : "<none>";
    }

    private static JsonNode? ServicePorts(JsonObject o)
    {
        if (Json.At(o, "spec.ports") is not JsonArray ports || ports.Count == 0)
        {
            return "<none>";
        }

        return string.Join(",", ports.Select(p =>
        {
            var s = Json.ScalarText(p?["port"]);
            if (p?["nodePort"] != null)
            {
                s += ":" + Json.ScalarText(p["nodePort"]);
            }

            return s + "/" + (Json.Str(p?["protocol"]) ?? "TCP");
        }));
    }

    private static JsonNode? SlicePorts(JsonObject o) =>
        o["ports"] is JsonArray ports && ports.Count > 0 ? string.Join(",", ports.Select(p => Json.ScalarText(p?["port"]))) : "<unset>";

    private static JsonNode? SliceEndpoints(JsonObject o)
    {
        var addrs = (o["endpoints"] as JsonArray)?.SelectMany(e => (e?["addresses"] as JsonArray)?.Select(Json.Str).OfType<string>() ?? []).ToList() ?? [];
        if (addrs.Count == 0)
        {
            return "<unset>";
        }

        return addrs.Count > 3 ? string.Join(",", addrs.Take(3)) + $" + {addrs.Count - 3} more..." : string.Join(",", addrs);
    }

    // ---- minimal OpenAPI schemas for the built-ins ----
    private static JsonObject Schema(string description, params (string Name, JsonObject Schema)[] fields)
    {
        var props = new JsonObject
        {
            ["apiVersion"] = Prim("string", "APIVersion defines the versioned schema of this representation of an object."),
            ["kind"] = Prim("string", "Kind is a string value representing the REST resource this object represents."),
            ["metadata"] = new JsonObject
            {
                ["allOf"] = new JsonArray(new JsonObject { ["$ref"] = OpenApi.ObjectMetaRef }),
                ["default"] = new JsonObject(),
                ["description"] = "Standard object's metadata.",
            },
        };
        foreach (var (name, schema) in fields)
        {
            props[name] = schema;
        }

        return new JsonObject { ["description"] = description, ["type"] = "object", ["properties"] = props };
    }

    private static JsonObject Prim(string type, string description) => new() { ["description"] = description, ["type"] = type };

    private static JsonObject Free(string description, string type = "object")
    {
        var o = new JsonObject { ["description"] = description, ["type"] = type };
        if (type == "array")
        {
            o["items"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        }
        else
        {
            o["x-kubernetes-preserve-unknown-fields"] = true;
        }

        return o;
    }

    private static JsonObject Map(string description, string valueType) =>
        new() { ["description"] = description, ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = valueType } };

    private static JsonObject Obj(string description, params (string Name, JsonObject Schema)[] fields)
    {
        var props = new JsonObject();
        foreach (var (name, schema) in fields)
        {
            props[name] = schema;
        }

        return new JsonObject { ["description"] = description, ["type"] = "object", ["properties"] = props };
    }
}

/// <summary>events.k8s.io/v1 Events share storage with core/v1 Events; the fields are renamed both ways.</summary>
public sealed class EventsV1Converter : IObjectConverter
{
    private static readonly (string Core, string V1)[] Renames =
    [
        ("involvedObject", "regarding"), ("message", "note"), ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"), ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"), ("reportingComponent", "reportingController"),
    ];

    public JsonObject ToServed(JsonObject stored) => Rename(stored, "events.k8s.io/v1", fromCore: true);

    public JsonObject ToStored(JsonObject served) => Rename(served, "v1", fromCore: false);

    private static JsonObject Rename(JsonObject src, string apiVersion, bool fromCore)
    {
        var dst = new JsonObject();
        foreach (var (k, v) in src)
        {
            var name = k;
            foreach (var (core, v1) in Renames)
            {
                if (fromCore && k == core)
                {
                    name = v1;
                }
                else if (!fromCore && k == v1)
                {
                    name = core;
                }
            }

            dst[name] = v?.DeepClone();
        }

        dst["apiVersion"] = apiVersion;
        return dst;
    }
}
