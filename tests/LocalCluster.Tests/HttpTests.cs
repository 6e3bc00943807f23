using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace KeepOperator.LocalCluster.Tests;

/// <summary>Wire details checked with a plain HttpClient: discovery, OpenAPI, tables, watch variants.</summary>
public sealed class HttpTests : IClassFixture<ClientFixture>
{
    private readonly ClientFixture f;
    private readonly HttpClient http;

    public HttpTests(ClientFixture fixture)
    {
        f = fixture;
        http = new HttpClient { BaseAddress = f.Server.Url, Timeout = TimeSpan.FromSeconds(20) };
    }

    private async Task<JsonNode> GetJson(string path, string? accept = null)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept != null)
        {
            req.Headers.Accept.Clear();
            req.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var resp = await http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.IsSuccessStatusCode, $"{path}: {resp.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task Post(string path, string json)
    {
        using var resp = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(resp.IsSuccessStatusCode, await resp.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Discovery_ListsBuiltInsAndCrds()
    {
        Assert.Equal("v1", (await GetJson("/api"))["versions"]![0]!.GetValue<string>());
        var groups = (await GetJson("/apis"))["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("test.keepoperator.io", groups);
        Assert.Contains("coordination.k8s.io", groups);
        var resources = (await GetJson("/apis/test.keepoperator.io/v1"))["resources"]!.AsArray();
        var widgets = resources.First(r => r!["name"]!.GetValue<string>() == "widgets")!;
        Assert.Equal("Widget", widgets["kind"]!.GetValue<string>());
        Assert.False(widgets["namespaced"]!.GetValue<bool>());
        Assert.Equal("wdg", widgets["shortNames"]![0]!.GetValue<string>());
        Assert.Equal("keeptest", widgets["categories"]![0]!.GetValue<string>());
        Assert.Contains(resources, r => r!["name"]!.GetValue<string>() == "widgets/status");
        var core = (await GetJson("/api/v1"))["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("nodes", core);
        Assert.Contains("secrets", core);
    }

    [Fact]
    public async Task OpenApiV3_TagsKindsWithGroupVersionKind()
    {
        var index = await GetJson("/openapi/v3");
        var url = index["paths"]!["apis/test.keepoperator.io/v1"]!["serverRelativeURL"]!.GetValue<string>();
        Assert.Contains("?hash=", url);
        var doc = await GetJson(url);
        var widget = doc["components"]!["schemas"]!["io.keepoperator.test.v1.Widget"]!;
        Assert.Equal("Widget", widget["x-kubernetes-group-version-kind"]![0]!["kind"]!.GetValue<string>());
        Assert.NotNull(widget["properties"]!["spec"]!["properties"]!["size"]);
        var patch = doc["paths"]!["/apis/test.keepoperator.io/v1/widgets/{name}"]!["patch"]!;
        Assert.Contains(patch["parameters"]!.AsArray(), p => p!["name"]!.GetValue<string>() == "fieldValidation");
        Assert.NotNull((await GetJson("/openapi/v3/api/v1"))["components"]!["schemas"]!["io.k8s.api.core.v1.Node"]);
    }

    [Fact]
    public async Task TableAndWatchVariants()
    {
        await Post("/apis/test.keepoperator.io/v1/widgets", """{"apiVersion":"test.keepoperator.io/v1","kind":"Widget","metadata":{"name":"tabled"},"spec":{"size":2,"addresses":["10.1.1.1"]}}""");

        var table = await GetJson("/apis/test.keepoperator.io/v1/widgets/tabled", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal("Name,Size,Mode,First-Address,Backups,Age", string.Join(",", table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>())));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("tabled", cells[0]!.GetValue<string>());
        Assert.Equal(2, cells[1]!.GetValue<long>());
        Assert.Null(cells[4]);
        Assert.Equal("PartialObjectMetadata", table["rows"]![0]!["object"]!["kind"]!.GetValue<string>());

        // watch with sendInitialEvents: current objects as ADDED, then the initial-events-end bookmark
        using var req = new HttpRequestMessage(HttpMethod.Get, "/apis/test.keepoperator.io/v1/widgets?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&fieldSelector=metadata.name%3Dtabled");
        req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var resp = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync());
        var first = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal("ADDED", first["type"]!.GetValue<string>());
        Assert.Equal("tabled", first["object"]!["metadata"]!["name"]!.GetValue<string>());
        var second = JsonNode.Parse((await reader.ReadLineAsync())!)!;
        Assert.Equal("BOOKMARK", second["type"]!.GetValue<string>());
        Assert.Equal("true", second["object"]!["metadata"]!["annotations"]!["k8s.io/initial-events-end"]!.GetValue<string>());

        // legacy /watch/ path on one object, as a table, ending at timeoutSeconds
        using var legacy = await http.GetAsync("/apis/test.keepoperator.io/v1/watch/widgets/tabled?timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead);
        var legacyLines = (await legacy.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(legacyLines, l => l.Contains("\"ADDED\"", StringComparison.Ordinal) && l.Contains("\"tabled\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ErrorsAreStatusObjects()
    {
        using var resp = await http.GetAsync("/apis/test.keepoperator.io/v1/widgets/none");
        Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
        var status = JsonNode.Parse(await resp.Content.ReadAsStringAsync())!;
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("widgets.test.keepoperator.io \"none\" not found", status["message"]!.GetValue<string>());
        Assert.Equal(404, status["code"]!.GetValue<int>());

        using var unknownPath = await http.GetAsync("/apis/nothing.example.com/v1/things");
        Assert.Equal(HttpStatusCode.NotFound, unknownPath.StatusCode);
    }
}
