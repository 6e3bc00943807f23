using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace KeepOperator.LocalCluster.Tests;

/// <summary>Starts a cluster and installs the sample CRDs with the real kubectl.</summary>
public sealed class KubectlFixture : ClusterFixture
{
    public string CrdApplyOutput { get; private set; } = string.Empty;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var crds = WriteFile("crds.yaml", TestCrds.WidgetCrd + "\n---\n" + TestCrds.GadgetCrd);
        CrdApplyOutput = await Kubectl.OkAsync("apply", "-f", crds);
    }
}

/// <summary>(a) The real kubectl 1.32 against the local cluster.</summary>
public sealed class KubectlTests : IClassFixture<KubectlFixture>
{
    private readonly KubectlFixture f;

    public KubectlTests(KubectlFixture fixture) => f = fixture;

    private Kubectl K => f.Kubectl;

    private static string Widget(string name, int size, string extra = "") => $"""
        apiVersion: test.keepoperator.io/v1
        kind: Widget
        metadata:
          name: {name}
        spec:
          size: {size}
          addresses: [10.0.0.1, 10.0.0.2]
        {extra}
        """;

    [Fact]
    public async Task ApplyCrds_TheyAreServedAndEstablished()
    {
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/widgets.test.keepoperator.io created", f.CrdApplyOutput);
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/gadgets.test.keepoperator.io created", f.CrdApplyOutput);
        var crds = await K.OkAsync("get", "crds");
        Assert.Matches(@"NAME\s+CREATED AT", crds);
        Assert.Contains("widgets.test.keepoperator.io", crds);
        await K.OkAsync("wait", "--for=condition=established", "--timeout=10s", "crd/widgets.test.keepoperator.io");
        var resources = await K.OkAsync("api-resources", "--api-group=test.keepoperator.io");
        Assert.Matches(@"widgets\s+wdg\s+test.keepoperator.io/v1\s+false\s+Widget", resources);
        Assert.Matches(@"gadgets\s+gdg\s+test.keepoperator.io/v1\s+true\s+Gadget", resources);
    }

    [Fact]
    public async Task GetWidgets_ShowsPrinterColumns_ByPluralShortNameAndCategory()
    {
        Assert.Contains("widget.test.keepoperator.io/cols created", await K.OkAsync("apply", "-f", f.WriteFile("cols.yaml", Widget("cols", 7))));
        Assert.Contains("patched", await K.OkAsync("patch", "widget", "cols", "--subresource=status", "--type=merge", "-p", """{"status":{"backups":["b1","b2"]}}"""));

        var table = await K.OkAsync("get", "widgets");
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+SIZE\s+MODE\s+FIRST-ADDRESS\s+BACKUPS\s+AGE$", lines[0]);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^cols\s+7\s+fast\s+10\.0\.0\.1\s+b1,b2\s+\d+s$"));

        Assert.Matches(@"cols\s+7\s+fast", await K.OkAsync("get", "wdg"));
        var category = await K.OkAsync("get", "keeptest", "-A");
        Assert.Contains("widget.test.keepoperator.io/cols", category);
        var one = await K.OkAsync("get", "widget", "cols", "--no-headers");
        Assert.Matches(@"^cols\s+7\s+fast\s+10\.0\.0\.1\s+b1,b2", one);
    }

    [Fact]
    public async Task GetWidget_AsYamlAndJson()
    {
        await K.OkAsync("apply", "-f", f.WriteFile("yamljson.yaml", Widget("yamljson", 3)));
        var yaml = await K.OkAsync("get", "widget", "yamljson", "-o", "yaml");
        Assert.Contains("apiVersion: test.keepoperator.io/v1", yaml);
        Assert.Contains("kind: Widget", yaml);
        Assert.Contains("mode: fast", yaml); // schema default
        Assert.Contains("generation: 1", yaml);
        Assert.Contains("kubectl.kubernetes.io/last-applied-configuration", yaml);

        using var json = JsonDocument.Parse(await K.OkAsync("get", "widget", "yamljson", "-o", "json"));
        var meta = json.RootElement.GetProperty("metadata");
        Assert.True(Guid.TryParse(meta.GetProperty("uid").GetString(), out _));
        Assert.True(long.Parse(meta.GetProperty("resourceVersion").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", meta.GetProperty("creationTimestamp").GetString()!);
        Assert.Equal(3, json.RootElement.GetProperty("spec").GetProperty("size").GetInt32());
    }

    [Fact]
    public async Task ApplyInvalidWidget_FailsNamingTheField()
    {
        var tooBig = await K.RunAsync("apply", "-f", f.WriteFile("bad1.yaml", Widget("bad1", 300, "  priorities: [{priority: 300}]")));
        Assert.NotEqual(0, tooBig.ExitCode);
        Assert.Contains("spec.size: Invalid value: 300: spec.size in body should be less than or equal to 254", tooBig.Stderr);
        Assert.Contains("spec.priorities[0].priority: Invalid value: 300: spec.priorities[0].priority in body should be less than or equal to 254", tooBig.Stderr);

        var badEnum = await K.RunAsync("apply", "-f", f.WriteFile("bad2.yaml", Widget("bad2", 2, "  mode: medium")));
        Assert.NotEqual(0, badEnum.ExitCode);
        Assert.Contains("spec.mode: Unsupported value: \"medium\": supported values: \"fast\", \"slow\"", badEnum.Stderr);

        var missing = await K.RunAsync("apply", "-f", f.WriteFile("bad3.yaml", "apiVersion: test.keepoperator.io/v1\nkind: Widget\nmetadata:\n  name: bad3\nspec:\n  mode: slow\n"));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("spec.size: Required value", missing.Stderr);

        var unknown = await K.RunAsync("apply", "-f", f.WriteFile("bad4.yaml", Widget("bad4", 2, "  colour: red")));
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("unknown field \"spec.colour\"", unknown.Stderr);

        var badIp = await K.RunAsync("apply", "-f", f.WriteFile("bad5.yaml", Widget("bad5", 2).Replace("10.0.0.2", "10.0.0.300", StringComparison.Ordinal)));
        Assert.NotEqual(0, badIp.ExitCode);
        Assert.Contains("spec.addresses[1]", badIp.Stderr);

        var notFound = await K.RunAsync("get", "widget", "bad1");
        Assert.Contains("widgets.test.keepoperator.io \"bad1\" not found", notFound.Stderr);
    }

    [Fact]
    public async Task DescribeWidget_ShowsSpecAndItsEvents()
    {
        await K.OkAsync("apply", "-f", f.WriteFile("desc.yaml", Widget("desc", 2)));
        var uid = await K.OkAsync("get", "widget", "desc", "-o", "jsonpath={.metadata.uid}");
        await K.OkAsync("apply", "-f", f.WriteFile("desc-event.yaml", $"""
            apiVersion: v1
            kind: Event
            metadata:
              name: desc.17a0
              namespace: default
            involvedObject:
              apiVersion: test.keepoperator.io/v1
              kind: Widget
              name: desc
              uid: {uid}
            reason: Converged
            message: widget desc is ready
            type: Normal
            source:
              component: keepoperator
            """));
        var described = await K.OkAsync("describe", "widget", "desc");
        Assert.Matches(@"Name:\s+desc", described);
        Assert.Matches(@"Size:\s+2", described);
        Assert.Matches(@"Normal\s+Converged\s+.*widget desc is ready", described);
    }

    [Fact]
    public async Task DeleteWidget_RemovesIt()
    {
        await K.OkAsync("apply", "-f", f.WriteFile("gone.yaml", Widget("gone", 2)));
        Assert.Contains("widget.test.keepoperator.io \"gone\" deleted", await K.OkAsync("delete", "widget", "gone"));
        var after = await K.RunAsync("get", "widget", "gone");
        Assert.NotEqual(0, after.ExitCode);
        Assert.Contains("NotFound", after.Stderr);
    }

    [Fact]
    public async Task ApplyNodeAndSecret_ThenCordon()
    {
        const string Manifests = """
            apiVersion: v1
            kind: Node
            metadata:
              name: worker-1
              labels:
                kubernetes.io/hostname: worker-1
            status:
              addresses:
              - type: InternalIP
                address: 192.0.2.11
              conditions:
              - type: Ready
                status: "True"
              nodeInfo:
                kubeletVersion: v1.32.4
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: vrrp-auth
              namespace: default
            type: Opaque
            stringData:
              password: s3cret
            """;
        var applied = await K.OkAsync("apply", "-f", f.WriteFile("node-secret.yaml", Manifests));
        Assert.Contains("node/worker-1 created", applied);
        Assert.Contains("secret/vrrp-auth created", applied);

        Assert.Matches(@"worker-1\s+Ready\s+<none>\s+\d+s\s+v1\.32\.4", await K.OkAsync("get", "nodes"));
        Assert.Equal("czNjcmV0", await K.OkAsync("get", "secret", "vrrp-auth", "-o", "jsonpath={.data.password}"));
        Assert.Matches(@"vrrp-auth\s+Opaque\s+1", await K.OkAsync("get", "secrets"));

        Assert.Contains("node/worker-1 cordoned", await K.OkAsync("cordon", "worker-1"));
        Assert.Equal("true", await K.OkAsync("get", "node", "worker-1", "-o", "jsonpath={.spec.unschedulable}"));
        Assert.Matches(@"worker-1\s+Ready,SchedulingDisabled", await K.OkAsync("get", "nodes"));

        // stringData is folded into data, so kubectl re-sends it each time (as with a real API server); that is a no-op write
        var secretRv = await K.OkAsync("get", "secret", "vrrp-auth", "-o", "jsonpath={.metadata.resourceVersion}");
        var reapplied = await K.OkAsync("apply", "-f", f.WriteFile("node-secret2.yaml", Manifests.Replace("kubernetes.io/hostname: worker-1", "kubernetes.io/hostname: worker-1\n    zone: a", StringComparison.Ordinal)));
        Assert.Contains("node/worker-1 configured", reapplied);
        Assert.Equal(secretRv, await K.OkAsync("get", "secret", "vrrp-auth", "-o", "jsonpath={.metadata.resourceVersion}"));
        Assert.Equal("a true", await K.OkAsync("get", "node", "worker-1", "-o", "jsonpath={.metadata.labels.zone} {.spec.unschedulable}"));

        Assert.Contains("node/worker-1 uncordoned", await K.OkAsync("uncordon", "worker-1"));
        Assert.Contains("secret \"vrrp-auth\" deleted", await K.OkAsync("delete", "secret", "vrrp-auth"));
        Assert.Matches(@"Unschedulable:\s+false", await K.OkAsync("describe", "node", "worker-1"));
    }

    [Fact]
    public async Task ExplainWidgetSpec_UsesTheSchema()
    {
        var explained = await K.OkAsync("explain", "widgets.spec");
        Assert.Contains("KIND:       Widget", explained);
        Assert.Contains("WidgetSpec is the desired state of a widget.", explained);
        Assert.Matches(@"size\s+<integer> -required-", explained);
        Assert.Contains("Size of the widget, 1 to 254.", explained);
    }

    [Fact]
    public async Task AnnotateAndLabel_ThenSelect()
    {
        await K.OkAsync("apply", "-f", f.WriteFile("tagged.yaml", Widget("tagged", 4)));
        Assert.Contains("annotated", await K.OkAsync("annotate", "widget", "tagged", "keepoperator.io/note=hello"));
        Assert.Contains("labeled", await K.OkAsync("label", "widget", "tagged", "tier=gold"));
        Assert.Equal("hello gold 1", await K.OkAsync("get", "widget", "tagged", "-o", "jsonpath={.metadata.annotations.keepoperator\\.io/note} {.metadata.labels.tier} {.metadata.generation}"));
        Assert.Contains("tagged", await K.OkAsync("get", "widgets", "-l", "tier=gold"));
        Assert.DoesNotContain("tagged", await K.OkAsync("get", "widgets", "-l", "tier notin (gold)"));
        Assert.Contains("tagged", await K.OkAsync("get", "widgets", "--field-selector", "metadata.name=tagged"));
    }

    [Fact]
    public async Task NamespacedGadgets_AcrossNamespaces()
    {
        var applied = await K.OkAsync("apply", "-f", f.WriteFile("gadgets.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: team-a
            ---
            apiVersion: test.keepoperator.io/v1
            kind: Gadget
            metadata:
              name: g1
              namespace: team-a
            spec:
              color: blue
            ---
            apiVersion: test.keepoperator.io/v1
            kind: Gadget
            metadata:
              name: g2
              namespace: default
            spec:
              color: red
            """));
        Assert.Contains("namespace/team-a created", applied);
        Assert.Contains("gadget.test.keepoperator.io/g1 created", applied);
        var all = await K.OkAsync("get", "gadgets", "-A");
        Assert.Matches(@"NAMESPACE\s+NAME\s+AGE", all);
        Assert.Matches(@"team-a\s+g1\s+\d+s", all);
        Assert.Matches(@"default\s+g2\s+\d+s", all);
        Assert.DoesNotContain("g1", await K.OkAsync("get", "gdg"));

        var bad = await K.RunAsync("apply", "-f", f.WriteFile("gadget-bad.yaml", "apiVersion: test.keepoperator.io/v1\nkind: Gadget\nmetadata:\n  name: g3\nspec:\n  color: Blue!\n"));
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("spec.color in body should match '^[a-z]+$'", bad.Stderr);

        var noNs = await K.RunAsync("apply", "-n", "nowhere", "-f", f.WriteFile("gadget-nons.yaml", "apiVersion: test.keepoperator.io/v1\nkind: Gadget\nmetadata:\n  name: g4\nspec:\n  color: red\n"));
        Assert.Contains("namespaces \"nowhere\" not found", noNs.Stderr);
    }
}
