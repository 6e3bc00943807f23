using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// Maps HTTP requests onto discovery, OpenAPI and the resource handlers: <c>/api/v1/...</c> and
/// <c>/apis/{group}/{version}/...</c> with <c>namespaces/{ns}/{plural}/{name}/{subresource}</c>, the legacy
/// <c>watch/</c> prefix, list/watch query parameters, Table negotiation, and errors as Status objects.
/// </summary>
public sealed class ApiRouter
{
    private readonly ResourceRegistry registry;
    private readonly ResourceHandlers handlers;
    private readonly ObjectStore store;
    private readonly Discovery discovery;
    private readonly OpenApi openApi;
    private readonly TextWriter? log;
    private readonly RequestCounts? counts;

    public ApiRouter(ResourceRegistry registry, ResourceHandlers handlers, ObjectStore store, Discovery discovery, OpenApi openApi, TextWriter? log, RequestCounts? counts = null)
    {
        this.counts = counts;
        this.registry = registry;
        this.handlers = handlers;
        this.store = store;
        this.discovery = discovery;
        this.openApi = openApi;
        this.log = log;
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        var started = DateTime.UtcNow;
        try
        {
            await DispatchAsync(ctx);
        }
        catch (ApiError e)
        {
            if (!ctx.Response.HasStarted)
            {
                await WriteJsonAsync(ctx, e.Code, e.ToStatus());
            }
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // client went away
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"localcluster: {ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString}: {e}");
            if (!ctx.Response.HasStarted)
            {
                await WriteJsonAsync(ctx, 500, ApiError.Internal(e.Message).ToStatus());
            }
        }
        finally
        {
            log?.WriteLine($"{started:HH:mm:ss.fff} {ctx.Request.Method} {ctx.Request.Path}{ctx.Request.QueryString} -> {ctx.Response.StatusCode} ({ctx.Request.ContentType}; accept {ctx.Request.Headers.Accept})");
        }
    }

    private async Task DispatchAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var seg = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (seg.Length == 0)
        {
            await WriteJsonAsync(ctx, 200, new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v2", "/openapi/v3", "/readyz", "/version") });
            return;
        }

        switch (seg[0])
        {
            case "version" when seg.Length == 1:
                await WriteJsonAsync(ctx, 200, Discovery.Version());
                return;
            case "healthz" or "livez" or "readyz":
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync("ok");
                return;
            case "openapi":
                await OpenApiAsync(ctx, seg);
                return;
            case "api":
                if (seg.Length == 1)
                {
                    await WriteJsonAsync(ctx, 200, discovery.CoreVersions());
                    return;
                }

                await GroupVersionAsync(ctx, string.Empty, seg[1], seg[2..]);
                return;
            case "apis":
                if (seg.Length == 1)
                {
                    await WriteJsonAsync(ctx, 200, discovery.GroupList());
                    return;
                }

                if (seg.Length == 2)
                {
                    await WriteJsonAsync(ctx, 200, discovery.GroupDocument(seg[1]) ?? throw ApiError.PathNotFound());
                    return;
                }

                await GroupVersionAsync(ctx, seg[1], seg[2], seg[3..]);
                return;
            default:
                throw ApiError.PathNotFound();
        }
    }

    private async Task OpenApiAsync(HttpContext ctx, string[] seg)
    {
        if (seg.Length >= 2 && seg[1] == "v3")
        {
            if (seg.Length == 2)
            {
                await WriteJsonAsync(ctx, 200, openApi.Index());
                return;
            }

            var doc = openApi.Document(string.Join('/', seg[2..])) ?? throw ApiError.PathNotFound();
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(doc);
            return;
        }

        if (seg.Length == 2 && seg[1] == "v2")
        {
            if (ctx.Request.Headers.Accept.ToString().Contains(OpenApiV2.ProtobufContentType, StringComparison.Ordinal))
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = OpenApiV2.ProtobufContentType;
                await ctx.Response.Body.WriteAsync(OpenApiV2.Protobuf());
                return;
            }

            await WriteJsonAsync(ctx, 200, OpenApiV2.Json());
            return;
        }

        throw ApiError.PathNotFound();
    }

    private async Task GroupVersionAsync(HttpContext ctx, string group, string version, string[] rest)
    {
        if (!registry.HasGroupVersion(group, version))
        {
            throw ApiError.PathNotFound();
        }

        if (rest.Length == 0)
        {
            await WriteJsonAsync(ctx, 200, discovery.ResourceList(group, version) ?? throw ApiError.PathNotFound());
            return;
        }

        var legacyWatch = false;
        if (rest[0] == "watch")
        {
            legacyWatch = true;
            rest = rest[1..];
        }

        string? ns = null;
        ResourceType? type;
        string? name;
        string? sub;
        if (rest.Length >= 3 && rest[0] == "namespaces" && registry.Find(group, version, rest[2]) is { Namespaced: true } nsType)
        {
            if (rest.Length > 5)
            {
                throw ApiError.PathNotFound();
            }

            ns = rest[1];
            type = nsType;
            name = rest.Length > 3 ? rest[3] : null;
            sub = rest.Length > 4 ? rest[4] : null;
        }
        else
        {
            if (rest.Length > 3)
            {
                throw ApiError.PathNotFound();
            }

            type = registry.Find(group, version, rest[0]);
            name = rest.Length > 1 ? rest[1] : null;
            sub = rest.Length > 2 ? rest[2] : null;
        }

        if (type == null || (type.Namespaced && ns == null && name != null))
        {
            throw ApiError.PathNotFound();
        }

        var isStatus = false;
        if (sub != null)
        {
            if (sub == "status" && type.HasStatusSubresource)
            {
                isStatus = true;
            }
            else if (!(sub == "finalize" && type.Plural == "namespaces" && group.Length == 0))
            {
                throw ApiError.PathNotFound();
            }
        }

        await ResourceAsync(ctx, type, ns ?? string.Empty, ns == null, name, isStatus, legacyWatch);
    }

    private async Task ResourceAsync(HttpContext ctx, ResourceType type, string ns, bool allNamespaces, string? name, bool status, bool legacyWatch)
    {
        var q = ctx.Request.Query;
        var method = ctx.Request.Method;
        var opts = new WriteOptions
        {
            FieldValidation = q["fieldValidation"].FirstOrDefault() is { Length: > 0 } fv ? fv : "Warn",
            DryRun = q["dryRun"].FirstOrDefault() == "All",
        };
        var scopeNs = type.Namespaced && !allNamespaces ? ns : null;
        var objNs = type.Namespaced ? ns : string.Empty;
        counts?.Record(new RequestKind(
            RequestCounts.Client(ctx.Request.Headers.UserAgent),
            RequestCounts.Verb(method, name != null, legacyWatch || q["watch"].FirstOrDefault() is "true" or "1"),
            type.Group,
            status ? type.Plural + "/status" : type.Plural,
            scopeNs ?? ""));

        switch (method)
        {
            case "GET":
                {
                    var watch = legacyWatch || q["watch"].FirstOrDefault() is "true" or "1";
                    var labels = LabelSelector.Parse(q["labelSelector"].FirstOrDefault());
                    var fields = FieldSelector.Parse(q["fieldSelector"].FirstOrDefault());
                    if (name != null && !watch)
                    {
                        var obj = handlers.Get(type, objNs, name);
                        await WriteObjectAsync(ctx, 200, type, obj);
                        return;
                    }

                    if (name != null)
                    {
                        fields = FieldSelector.Parse($"metadata.name={name}" + (q["fieldSelector"].FirstOrDefault() is { Length: > 0 } f ? "," + f : string.Empty));
                    }

                    if (watch)
                    {
                        await WatchAsync(ctx, type, scopeNs, labels, fields);
                        return;
                    }

                    var (items, rv) = handlers.List(type, scopeNs, labels, fields);
                    if (TableRenderer.WantsTable(ctx.Request.Headers.Accept))
                    {
                        await WriteJsonAsync(ctx, 200, TableRenderer.Render(type, items, rv, q["includeObject"].FirstOrDefault()));
                        return;
                    }

                    await WriteJsonAsync(ctx, 200, ListOf(type, items, rv));
                    return;
                }

            case "POST" when name == null && (!type.Namespaced || !allNamespaces):
                {
                    var body = await ReadObjectAsync(ctx);
                    var created = handlers.Create(type, objNs, body, opts);
                    await WriteObjectAsync(ctx, 201, type, created, opts);
                    return;
                }

            case "PUT" when name != null:
                {
                    var body = await ReadObjectAsync(ctx);
                    var (result, created) = handlers.Update(type, objNs, name, body, status, opts);
                    await WriteObjectAsync(ctx, created ? 201 : 200, type, result, opts);
                    return;
                }

            case "PATCH" when name != null:
                {
                    var contentType = (ctx.Request.ContentType ?? string.Empty).Split(';')[0].Trim();
                    var text = await ReadBodyAsync(ctx);
                    var (result, created) = handlers.Patch(type, objNs, name, text, contentType, status, opts);
                    await WriteObjectAsync(ctx, created ? 201 : 200, type, result, opts);
                    return;
                }

            case "DELETE" when name != null && !status:
                {
                    var options = await ReadOptionalObjectAsync(ctx);
                    var propagation = q["propagationPolicy"].FirstOrDefault();
                    if (propagation != null)
                    {
                        options ??= new JsonObject();
                        options["propagationPolicy"] = propagation;
                    }

                    var deleted = handlers.Delete(type, objNs, name, options, opts);
                    if (Json.Str(deleted["kind"]) == "Status")
                    {
                        await WriteJsonAsync(ctx, 200, deleted);
                        return;
                    }

                    await WriteObjectAsync(ctx, 200, type, deleted, opts);
                    return;
                }

            case "DELETE" when name == null:
                {
                    var options = await ReadOptionalObjectAsync(ctx);
                    var labels = LabelSelector.Parse(q["labelSelector"].FirstOrDefault());
                    var fields = FieldSelector.Parse(q["fieldSelector"].FirstOrDefault());
                    var deleted = handlers.DeleteCollection(type, scopeNs, labels, fields, options, opts);
                    await WriteJsonAsync(ctx, 200, ListOf(type, deleted, store.CurrentResourceVersion));
                    return;
                }

            default:
                throw ApiError.MethodNotAllowed();
        }
    }

    private async Task WatchAsync(HttpContext ctx, ResourceType type, string? ns, LabelSelector labels, FieldSelector fields)
    {
        var q = ctx.Request.Query;
        var rvText = q["resourceVersion"].FirstOrDefault();
        long? since = null;
        if (!string.IsNullOrEmpty(rvText) && rvText != "0")
        {
            if (!long.TryParse(rvText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                throw ApiError.BadRequest($"invalid resource version: {rvText}");
            }

            since = parsed;
        }

        var bookmarks = q["allowWatchBookmarks"].FirstOrDefault() is "true" or "1";
        var sendInitial = q["sendInitialEvents"].FirstOrDefault() is "true" or "1";
        var table = TableRenderer.WantsTable(ctx.Request.Headers.Accept);
        var renderer = new WatchRenderer(type, ns, labels, fields, table, q["includeObject"].FirstOrDefault(), bookmarks);
        var initial = since == null || sendInitial ? new[] { (type.StorageKey, ns) } : null;
        if (sendInitial)
        {
            since = null;
        }

        var (sub, _) = store.Subscribe(
            renderer.Render,
            renderer.Bookmark,
            since,
            initial,
            sendInitial && bookmarks ? renderer.InitialEventsEnd : null);
        try
        {
            var timeout = q["timeoutSeconds"].FirstOrDefault() is { } ts && int.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var secs) && secs > 0
                ? TimeSpan.FromSeconds(secs)
                : Timeout.InfiniteTimeSpan;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
            cts.CancelAfter(timeout);
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            ctx.Response.Headers.CacheControl = "no-cache, private";
            await ctx.Response.StartAsync(cts.Token);
            await ctx.Response.Body.FlushAsync(cts.Token);
            var reader = sub.Lines.Reader;
            try
            {
                while (await reader.WaitToReadAsync(cts.Token))
                {
                    while (reader.TryRead(out var line))
                    {
                        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line), cts.Token);
                    }

                    await ctx.Response.Body.FlushAsync(cts.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // timeoutSeconds elapsed or the client left: the stream just ends
            }
        }
        finally
        {
            store.Unsubscribe(sub);
        }
    }

    private static JsonObject ListOf(ResourceType type, List<JsonObject> items, long rv) => new()
    {
        ["apiVersion"] = type.GroupVersion,
        ["kind"] = type.ListKind,
        ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) },
        ["items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
    };

    private async Task WriteObjectAsync(HttpContext ctx, int code, ResourceType type, JsonObject obj, WriteOptions? opts = null)
    {
        foreach (var w in opts?.Warnings ?? [])
        {
            ctx.Response.Headers.Append("Warning", $"299 - \"{w.Replace("\"", "\\\"", StringComparison.Ordinal)}\"");
        }

        if (TableRenderer.WantsTable(ctx.Request.Headers.Accept))
        {
            await WriteJsonAsync(ctx, code, TableRenderer.Render(type, [obj], long.Parse(Json.ResourceVersion(obj) is { Length: > 0 } rv ? rv : "0", CultureInfo.InvariantCulture), ctx.Request.Query["includeObject"].FirstOrDefault()));
            return;
        }

        await WriteJsonAsync(ctx, code, obj);
    }

    private static async Task WriteJsonAsync(HttpContext ctx, int code, JsonNode node)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(Json.Utf8(node));
    }

    private static async Task<string> ReadBodyAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ctx.RequestAborted);
    }

    private static async Task<byte[]> ReadBytesAsync(HttpContext ctx)
    {
        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
        return buffer.ToArray();
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext ctx)
    {
        var contentType = (ctx.Request.ContentType ?? "application/json").Split(';')[0].Trim();
        if (contentType == ProtobufBodies.ContentType)
        {
            return ProtobufBodies.Decode(await ReadBytesAsync(ctx));
        }

        var text = await ReadBodyAsync(ctx);
        if (contentType.Contains("yaml", StringComparison.Ordinal))
        {
            return Yaml.ToJson(text) as JsonObject ?? throw ApiError.BadRequest("the body is not an object");
        }

        return Json.ParseObject(text);
    }

    private static async Task<JsonObject?> ReadOptionalObjectAsync(HttpContext ctx)
    {
        if ((ctx.Request.ContentType ?? string.Empty).Split(';')[0].Trim() == ProtobufBodies.ContentType)
        {
            var body = await ReadBytesAsync(ctx);
            return body.Length == 0 ? null : ProtobufBodies.Decode(body);
        }

        var text = await ReadBodyAsync(ctx);
        return string.IsNullOrWhiteSpace(text) ? null : Json.ParseObject(text, "delete options");
    }
}
