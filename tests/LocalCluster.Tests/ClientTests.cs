using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;
using Xunit;
using static KeepOperator.LocalCluster.Tests.TestCrds;

namespace KeepOperator.LocalCluster.Tests;

/// <summary>Starts a cluster and installs the sample CRDs through KubernetesClient's typed apiextensions API.</summary>
public sealed class ClientFixture : ClusterFixture
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var yaml in new[] { WidgetCrd, GadgetCrd })
        {
            await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(yaml));
        }
    }
}

/// <summary>(b) The real KubernetesClient against the local cluster.</summary>
public sealed class ClientTests : IClassFixture<ClientFixture>
{
    private readonly ClientFixture f;

    public ClientTests(ClientFixture fixture) => f = fixture;

    private Kubernetes C => f.Client;

    private static JsonObject Widget(string name, int size, JsonObject? labels = null) => new()
    {
        ["apiVersion"] = $"{Group}/{V1}",
        ["kind"] = "Widget",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels ?? new JsonObject() },
        ["spec"] = new JsonObject { ["size"] = size },
    };

    private static JsonObject Node(object response) => JsonNode.Parse(JsonSerializer.Serialize(response))!.AsObject();

    private static string Rv(JsonObject o) => o["metadata"]!["resourceVersion"]!.GetValue<string>();

    private static long Generation(JsonObject o) => o["metadata"]!["generation"]!.GetValue<long>();

    private async Task<JsonObject> CreateWidget(string name, int size, JsonObject? labels = null) =>
        Node(await C.CustomObjects.CreateClusterCustomObjectAsync(Widget(name, size, labels), Group, V1, Widgets));

    private async Task<JsonObject> GetWidget(string name) =>
        Node(await C.CustomObjects.GetClusterCustomObjectAsync(Group, V1, Widgets, name));

    [Fact]
    public async Task CreateGetList_ThenReplace_StaleResourceVersionConflicts()
    {
        var created = await CreateWidget("crud", 5);
        Assert.Equal(1, Generation(created));
        Assert.Equal("fast", created["spec"]!["mode"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(created["metadata"]!["uid"]!.GetValue<string>()));

        var got = await GetWidget("crud");
        Assert.Equal(Rv(created), Rv(got));

        var list = Node(await C.CustomObjects.ListClusterCustomObjectAsync(Group, V1, Widgets));
        Assert.Equal("WidgetList", list["kind"]!.GetValue<string>());
        Assert.Contains(list["items"]!.AsArray(), i => i!["metadata"]!["name"]!.GetValue<string>() == "crud");

        // a spec change bumps generation and resourceVersion
        var changed = (JsonObject)got.DeepClone();
        changed["spec"]!["size"] = 6;
        var replaced = Node(await C.CustomObjects.ReplaceClusterCustomObjectAsync(changed, Group, V1, Widgets, "crud"));
        Assert.Equal(2, Generation(replaced));
        Assert.NotEqual(Rv(got), Rv(replaced));

        // the old copy is stale now
        var stale = (JsonObject)got.DeepClone();
        stale["spec"]!["size"] = 9;
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => C.CustomObjects.ReplaceClusterCustomObjectAsync(stale, Group, V1, Widgets, "crud"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Contains("the object has been modified; please apply your changes to the latest version and try again", conflict.Response.Content);

        // metadata-only and status changes through the main resource: no generation bump, status ignored
        var labelled = (JsonObject)replaced.DeepClone();
        labelled["metadata"]!["labels"] = new JsonObject { ["tier"] = "gold" };
        labelled["status"] = new JsonObject { ["phase"] = "Sneaky" };
        var afterLabel = Node(await C.CustomObjects.ReplaceClusterCustomObjectAsync(labelled, Group, V1, Widgets, "crud"));
        Assert.Equal(2, Generation(afterLabel));
        Assert.Null(afterLabel["status"]);
        Assert.Equal("gold", afterLabel["metadata"]!["labels"]!["tier"]!.GetValue<string>());

        // a no-op replace keeps the resourceVersion
        var noop = Node(await C.CustomObjects.ReplaceClusterCustomObjectAsync(afterLabel, Group, V1, Widgets, "crud"));
        Assert.Equal(Rv(afterLabel), Rv(noop));
    }

    [Fact]
    public async Task PatchStatus_WritesStatusOnly()
    {
        var created = await CreateWidget("status", 2);
        var patch = new V1Patch("""{"status":{"phase":"Ready","backups":["x"]},"spec":{"size":99}}""", V1Patch.PatchType.MergePatch);
        var patched = Node(await C.CustomObjects.PatchClusterCustomObjectStatusAsync(patch, Group, V1, Widgets, "status"));
        Assert.Equal("Ready", patched["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(2, patched["spec"]!["size"]!.GetValue<int>());
        Assert.Equal(1, Generation(patched));
        Assert.NotEqual(Rv(created), Rv(patched));

        var specPatch = new V1Patch("""{"spec":{"size":3}}""", V1Patch.PatchType.MergePatch);
        var afterSpec = Node(await C.CustomObjects.PatchClusterCustomObjectAsync(specPatch, Group, V1, Widgets, "status"));
        Assert.Equal(2, Generation(afterSpec));
        Assert.Equal("Ready", afterSpec["status"]!["phase"]!.GetValue<string>());

        var jsonPatch = new V1Patch("""[{"op":"replace","path":"/spec/size","value":4}]""", V1Patch.PatchType.JsonPatch);
        var afterJsonPatch = Node(await C.CustomObjects.PatchClusterCustomObjectAsync(jsonPatch, Group, V1, Widgets, "status"));
        Assert.Equal(4, afterJsonPatch["spec"]!["size"]!.GetValue<int>());
        Assert.Equal(3, Generation(afterJsonPatch));
    }

    [Fact]
    public async Task CelImmutabilityRule_RejectsChanges()
    {
        var w = Widget("immutable", 1);
        w["spec"]!["vrid"] = 5;
        await C.CustomObjects.CreateClusterCustomObjectAsync(w, Group, V1, Widgets);
        var change = await Assert.ThrowsAsync<HttpOperationException>(() =>
            C.CustomObjects.PatchClusterCustomObjectAsync(new V1Patch("""{"spec":{"vrid":6}}""", V1Patch.PatchType.MergePatch), Group, V1, Widgets, "immutable"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, change.Response.StatusCode);
        Assert.Contains("spec.vrid: Invalid value: \"integer\": vrid is immutable", JsonNode.Parse(change.Response.Content)!["message"]!.GetValue<string>());
        var other = Node(await C.CustomObjects.PatchClusterCustomObjectAsync(new V1Patch("""{"spec":{"size":2}}""", V1Patch.PatchType.MergePatch), Group, V1, Widgets, "immutable"));
        Assert.Equal(5, other["spec"]!["vrid"]!.GetValue<int>());
    }

    [Fact]
    public async Task DeletingACrd_RemovesItsResources()
    {
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(GadgetCrd.Replace("gadgets", "doodads", StringComparison.Ordinal).Replace("gadget", "doodad", StringComparison.Ordinal).Replace("Gadget", "Doodad", StringComparison.Ordinal).Replace("gdg", "ddd", StringComparison.Ordinal));
        await C.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        await C.CustomObjects.CreateNamespacedCustomObjectAsync(new JsonObject { ["apiVersion"] = $"{Group}/{V1}", ["kind"] = "Doodad", ["metadata"] = new JsonObject { ["name"] = "d1" } }, Group, V1, "default", "doodads");
        Assert.Single(Node(await C.CustomObjects.ListNamespacedCustomObjectAsync(Group, V1, "default", "doodads"))["items"]!.AsArray());
        await C.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("doodads.test.keepoperator.io");
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => C.CustomObjects.ListNamespacedCustomObjectAsync(Group, V1, "default", "doodads"));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
        await C.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        Assert.Empty(Node(await C.CustomObjects.ListNamespacedCustomObjectAsync(Group, V1, "default", "doodads"))["items"]!.AsArray());
    }

    [Fact]
    public async Task InvalidAndMissingObjects_AnswerLikeTheApiServer()
    {
        var invalid = await Assert.ThrowsAsync<HttpOperationException>(() => C.CustomObjects.CreateClusterCustomObjectAsync(Widget("invalid", 0), Group, V1, Widgets));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, invalid.Response.StatusCode);
        var status = JsonNode.Parse(invalid.Response.Content)!;
        Assert.Equal("Invalid", status["reason"]!.GetValue<string>());
        Assert.Equal("Widget.test.keepoperator.io \"invalid\" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1", status["message"]!.GetValue<string>());
        Assert.Equal("spec.size", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());

        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => C.CustomObjects.GetClusterCustomObjectAsync(Group, V1, Widgets, "nope"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Contains("\"reason\":\"NotFound\"", missing.Response.Content);

        await CreateWidget("twice", 1);
        var twice = await Assert.ThrowsAsync<HttpOperationException>(() => C.CustomObjects.CreateClusterCustomObjectAsync(Widget("twice", 1), Group, V1, Widgets));
        Assert.Equal(HttpStatusCode.Conflict, twice.Response.StatusCode);
        Assert.Contains("\"reason\":\"AlreadyExists\"", twice.Response.Content);
    }

    [Fact]
    public async Task Watch_FromResourceVersion_SeesAddedModifiedDeletedAndBookmarks()
    {
        var list = Node(await C.CustomObjects.ListClusterCustomObjectAsync(Group, V1, Widgets));
        var from = list["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<(WatchEventType Type, string Name)>();
        var watch = C.CustomObjects.WatchListClusterCustomObjectAsync(
            Group, V1, Widgets, allowWatchBookmarks: true, resourceVersion: from, cancellationToken: cts.Token);

        var writer = Task.Run(async () =>
        {
            await CreateWidget("watched", 1);
            await C.CustomObjects.PatchClusterCustomObjectAsync(new V1Patch("""{"spec":{"size":2}}""", V1Patch.PatchType.MergePatch), Group, V1, Widgets, "watched");
            await C.CustomObjects.DeleteClusterCustomObjectAsync(Group, V1, Widgets, "watched");
        });

        await foreach (var (type, obj) in watch)
        {
            var item = (JsonElement)obj;
            var name = item.GetProperty("metadata").TryGetProperty("name", out var n) ? n.GetString()! : string.Empty;
            seen.Add((type, name));
            if (seen.Contains((WatchEventType.Deleted, "watched")) && seen.Any(s => s.Type == WatchEventType.Bookmark))
            {
                break;
            }
        }

        await writer;
        var watched = seen.Where(s => s.Name == "watched").Select(s => s.Type).ToList();
        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], watched);
        Assert.Contains(seen, s => s.Type == WatchEventType.Bookmark);
    }

    [Fact]
    public async Task Watch_WithLabelSelector_SeesObjectsEnterAndLeaveTheSelection()
    {
        var from = Node(await C.CustomObjects.ListClusterCustomObjectAsync(Group, V1, Widgets))["metadata"]!["resourceVersion"]!.GetValue<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watch = C.CustomObjects.WatchListClusterCustomObjectAsync(
            Group, V1, Widgets, labelSelector: "watch-group=sel", resourceVersion: from, cancellationToken: cts.Token);
        var writer = Task.Run(async () =>
        {
            await CreateWidget("sel-out", 1);
            await CreateWidget("sel-in", 1, new JsonObject { ["watch-group"] = "sel" });
            await C.CustomObjects.PatchClusterCustomObjectAsync(new V1Patch("""{"metadata":{"labels":{"watch-group":"other"}}}""", V1Patch.PatchType.MergePatch), Group, V1, Widgets, "sel-in");
        });

        var seen = new List<(WatchEventType, string)>();
        await foreach (var (type, obj) in watch)
        {
            seen.Add((type, ((JsonElement)obj).GetProperty("metadata").GetProperty("name").GetString()!));
            if (seen.Count == 2)
            {
                break;
            }
        }

        await writer;
        Assert.Equal([(WatchEventType.Added, "sel-in"), (WatchEventType.Deleted, "sel-in")], seen);
    }

    [Fact]
    public async Task Watch_FromTooOldResourceVersion_Is410Expired()
    {
        var first = await C.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "churn" }, Data = new Dictionary<string, string> { ["n"] = "0" } }, "default");
        var oldRv = first.Metadata.ResourceVersion;
        for (var i = 1; i <= ClusterFixture.WatchHistory + 5; i++)
        {
            await C.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"n\":\"" + i + "\"}}", V1Patch.PatchType.MergePatch), "churn", "default");
        }

        var gone = await Assert.ThrowsAsync<HttpOperationException>(() =>
            C.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("default", resourceVersion: oldRv, watch: true));
        Assert.Equal(HttpStatusCode.Gone, gone.Response.StatusCode);
        var status = JsonNode.Parse(gone.Response.Content)!;
        Assert.Equal("Expired", status["reason"]!.GetValue<string>());
        Assert.StartsWith("too old resource version: " + oldRv, status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task LabelAndFieldSelectors_FilterLists()
    {
        await C.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "sel" } });
        foreach (var (name, tier) in new[] { ("s-gold", "gold"), ("s-silver", "silver"), ("s-none", null) })
        {
            var labels = new JsonObject { ["app"] = "sel" };
            if (tier != null)
            {
                labels["tier"] = tier;
            }

            await C.CustomObjects.CreateNamespacedCustomObjectAsync(
                new JsonObject { ["apiVersion"] = $"{Group}/{V1}", ["kind"] = "Gadget", ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels }, ["spec"] = new JsonObject { ["color"] = "red" } },
                Group, V1, "sel", Gadgets);
        }

        async Task<string> Names(string? labelSelector, string? fieldSelector = null)
        {
            var list = Node(await C.CustomObjects.ListNamespacedCustomObjectAsync(Group, V1, "sel", Gadgets, labelSelector: labelSelector, fieldSelector: fieldSelector));
            return string.Join(",", list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        }

        Assert.Equal("s-gold", await Names("tier=gold"));
        Assert.Equal("s-gold", await Names("app=sel,tier==gold"));
        Assert.Equal("s-none,s-silver", await Names("tier!=gold"));
        Assert.Equal("s-gold,s-silver", await Names("tier in (gold, silver)"));
        Assert.Equal("s-none,s-silver", await Names("tier notin (gold)"));
        Assert.Equal("s-gold,s-silver", await Names("tier"));
        Assert.Equal("s-none", await Names("!tier"));
        Assert.Equal("s-silver", await Names(null, "metadata.name=s-silver"));
        Assert.Equal("s-gold,s-none", await Names("app=sel", "metadata.name!=s-silver"));

        var bad = await Assert.ThrowsAsync<HttpOperationException>(() => Names("tier in gold"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.Response.StatusCode);
    }

    [Fact]
    public async Task Finalizers_HoldDeletionUntilRemoved()
    {
        var w = Widget("final", 1);
        w["metadata"]!["finalizers"] = new JsonArray("keepoperator.io/cleanup");
        await C.CustomObjects.CreateClusterCustomObjectAsync(w, Group, V1, Widgets);
        await C.CustomObjects.DeleteClusterCustomObjectAsync(Group, V1, Widgets, "final");
        var marked = await GetWidget("final");
        Assert.NotNull(marked["metadata"]!["deletionTimestamp"]);

        await C.CustomObjects.PatchClusterCustomObjectAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), Group, V1, Widgets, "final");
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => GetWidget("final"));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task Lease_LeaderElectionAndOptimisticUpdates()
    {
        // the client's own leader election over a coordination.k8s.io/v1 Lease
        var leaseLock = new LeaseLock(C, "default", "keepoperator-leader", "candidate-a");
        using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        });
        var leading = new TaskCompletionSource();
        elector.OnStartedLeading += () => leading.TrySetResult();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = elector.RunUntilLeadershipLostAsync(cts.Token);
        await leading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var lease = await C.CoordinationV1.ReadNamespacedLeaseAsync("keepoperator-leader", "default");
        Assert.Equal("candidate-a", lease.Spec.HolderIdentity);
        var renewed = lease.Spec.RenewTime;
        await Task.Delay(700);
        Assert.NotEqual(renewed, (await C.CoordinationV1.ReadNamespacedLeaseAsync("keepoperator-leader", "default")).Spec.RenewTime);
        await cts.CancelAsync();
        try
        {
            await run;
        }
        catch (OperationCanceledException)
        {
        }

        // by hand: create, renew with the current resourceVersion, then a stale takeover attempt conflicts
        var mine = await C.CoordinationV1.CreateNamespacedLeaseAsync(
            new V1Lease { Metadata = new V1ObjectMeta { Name = "manual" }, Spec = new V1LeaseSpec { HolderIdentity = "a", LeaseDurationSeconds = 15, AcquireTime = DateTime.UtcNow, RenewTime = DateTime.UtcNow } },
            "default");
        var stale = await C.CoordinationV1.ReadNamespacedLeaseAsync("manual", "default");
        mine.Spec.RenewTime = DateTime.UtcNow.AddSeconds(1);
        var renewedLease = await C.CoordinationV1.ReplaceNamespacedLeaseAsync(mine, "manual", "default");
        Assert.NotEqual(mine.Metadata.ResourceVersion, renewedLease.Metadata.ResourceVersion);
        stale.Spec.HolderIdentity = "b";
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => C.CoordinationV1.ReplaceNamespacedLeaseAsync(stale, "manual", "default"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Equal("a", (await C.CoordinationV1.ReadNamespacedLeaseAsync("manual", "default")).Spec.HolderIdentity);
    }

    [Fact]
    public async Task BuiltIns_NodesSecretsEvents()
    {
        await C.CoreV1.CreateNodeAsync(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = "n1", Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = "n1" } },
            Status = new V1NodeStatus { Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "192.0.2.1" }] },
        });
        var node = await C.CoreV1.ReadNodeAsync("n1");
        Assert.Equal("192.0.2.1", node.Status.Addresses[0].Address);
        await C.CoreV1.PatchNodeAsync(new V1Patch("""{"spec":{"unschedulable":true}}""", V1Patch.PatchType.StrategicMergePatch), "n1");
        Assert.True((await C.CoreV1.ReadNodeAsync("n1")).Spec.Unschedulable);

        await C.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "sec" }, StringData = new Dictionary<string, string> { ["k"] = "v" } }, "default");
        Assert.Equal("v", System.Text.Encoding.UTF8.GetString((await C.CoreV1.ReadNamespacedSecretAsync("sec", "default")).Data["k"]));
        Assert.Equal("Success", (await C.CoreV1.DeleteNamespacedSecretAsync("sec", "default")).Status);

        await C.CoreV1.CreateNamespacedEventAsync(
            new Corev1Event { Metadata = new V1ObjectMeta { Name = "n1.e1" }, InvolvedObject = new V1ObjectReference { Kind = "Node", Name = "n1", Uid = node.Metadata.Uid }, Reason = "Test", Message = "hi", Type = "Normal" },
            "default");
        var events = await C.CoreV1.ListEventForAllNamespacesAsync(fieldSelector: $"involvedObject.name=n1,involvedObject.uid={node.Metadata.Uid}");
        Assert.Single(events.Items);
        var v1Events = await C.EventsV1.ListNamespacedEventAsync("default", fieldSelector: "regarding.name=n1");
        Assert.Equal("hi", Assert.Single(v1Events.Items).Note);
    }
}
