using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>One entry of a Status's details.causes, as the API server reports a field error.</summary>
public sealed record StatusCause(string Reason, string Message, string Field);

/// <summary>
/// An error answered as a meta/v1 Status with the code, reason and wording the real API server uses
/// (NotFound, AlreadyExists, Conflict, Invalid, BadRequest, Expired, MethodNotAllowed...).
/// </summary>
public sealed class ApiError : Exception
{
    public ApiError(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }

    public string Reason { get; }

    public JsonObject? Details { get; }

    public JsonObject ToStatus() => Status(Code, Reason, Message, Details);

    public static JsonObject Status(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = code is >= 200 and < 300 ? "Success" : "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details != null)
        {
            status["details"] = details.DeepClone();
        }

        status["code"] = code;
        return status;
    }

    private static JsonObject Details_(string name, ResourceType type, string? kind = null)
    {
        var d = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            d["group"] = type.Group;
        }

        d["kind"] = kind ?? type.Plural;
        return d;
    }

    public static ApiError NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedPlural} \"{name}\" not found", Details_(name, type));

    public static ApiError NamespaceNotFound(string ns) =>
        new(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    public static ApiError AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedPlural} \"{name}\" already exists", Details_(name, type));

    public static ApiError Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedPlural} \"{name}\": {why}", Details_(name, type));

    public static ApiError StaleConflict(ResourceType type, string name) =>
        Conflict(type, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError MethodNotAllowed(string message = "the server does not allow this method on the requested resource") =>
        new(405, "MethodNotAllowed", message);

    public static ApiError PathNotFound() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiError Expired(long requested, long oldest) =>
        new(410, "Expired", $"too old resource version: {requested} ({oldest})");

    public static ApiError Forbidden(ResourceType type, string name, string why) =>
        new(403, "Forbidden", $"{type.QualifiedPlural} \"{name}\" is forbidden: {why}", Details_(name, type));

    public static ApiError UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json; got {contentType}");

    public static ApiError Internal(string message) => new(500, "InternalError", message);

    /// <summary>422 Invalid, worded as <c>Kind.group "name" is invalid: cause</c> or <c>...: [cause, cause]</c>.</summary>
    public static ApiError Invalid(ResourceType type, string name, IReadOnlyList<StatusCause> causes)
    {
        var parts = causes.Select(c => c.Field.Length > 0 ? $"{c.Field}: {c.Message}" : c.Message).ToList();
        var joined = parts.Count == 1 ? parts[0] : "[" + string.Join(", ", parts) + "]";
        var details = new JsonObject { ["name"] = name };
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }

        details["kind"] = type.Kind;
        var arr = new JsonArray();
        foreach (var c in causes)
        {
            arr.Add(new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field });
        }

        details["causes"] = arr;
        return new ApiError(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {joined}", details);
    }
}
