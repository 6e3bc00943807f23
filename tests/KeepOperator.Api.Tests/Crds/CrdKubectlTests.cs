using System.Text.Json;
using KeepOperator.Api.Instances;
using KeepOperator.Api.Services;
using KeepOperator.LocalCluster;
using KeepOperator.LocalCluster.Tests;
using Xunit;

namespace KeepOperator.Api.Tests.Crds;

/// <summary>A LocalCluster in-process with deploy/crds/ and the issue's samples applied by the real kubectl.</summary>
public sealed class CrdClusterFixture : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "keepoperator-crds-" + Guid.NewGuid().ToString("N")[..8]);

    public Kubectl Kubectl { get; private set; } = null!;

    public string CrdApplyOutput { get; private set; } = "";

    public string SampleApplyOutput { get; private set; } = "";

    private LocalClusterServer server = null!;

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var kubeconfig = Path.Combine(Directory, "kubeconfig");
        server = await LocalClusterServer.StartAsync(new LocalClusterOptions { KubeconfigPath = kubeconfig });
        Kubectl = new Kubectl(kubeconfig, Directory);
        CrdApplyOutput = await Kubectl.OkAsync("apply", "-f", CrdFiles.Directory);
        SampleApplyOutput = await Kubectl.OkAsync("apply", "-f", WriteFile("samples.yaml", Samples.WebYaml + "\n---\n" + VirtualServerSamples.WebYaml));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    public string WriteFile(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}

/// <summary>The CRDs as kubectl users meet them: apply, get with printer columns, validation errors, explain.</summary>
public sealed class CrdKubectlTests(CrdClusterFixture fixture) : IClassFixture<CrdClusterFixture>
{
    private Kubectl K => fixture.Kubectl;

    private static string[] Lines(string table) => table.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task The_crds_apply_and_serve_with_their_names()
    {
        foreach (var resource in ResourceDefinitions.All)
        {
            Assert.Contains($"customresourcedefinition.apiextensions.k8s.io/{resource.CrdName} created", fixture.CrdApplyOutput);
        }

        var resources = await K.OkAsync("api-resources", "--api-group=keepoperator.io");
        Assert.Matches(@"virtualips\s+vip\s+keepoperator.io/v1alpha1\s+false\s+VirtualIp", resources);
        Assert.Matches(@"virtualservers\s+vs\s+keepoperator.io/v1alpha1\s+true\s+VirtualServer", resources);
        Assert.Matches(@"nodeagentconfigs\s+nac\s+keepoperator.io/v1alpha1\s+false\s+NodeAgentConfig", resources);

        var category = await K.OkAsync("get", "keepoperator", "-A", "-o", "name");
        Assert.Contains("virtualip.keepoperator.io/web", category);
        Assert.Contains("virtualserver.keepoperator.io/web", category);
    }

    [Fact]
    public void The_issue_samples_apply()
    {
        Assert.Contains("virtualip.keepoperator.io/web created", fixture.SampleApplyOutput);
        Assert.Contains("virtualserver.keepoperator.io/web created", fixture.SampleApplyOutput);
    }

    [Fact]
    public async Task Get_virtualips_shows_address_vrid_master_backups_and_ready()
    {
        Assert.Contains("patched", await K.OkAsync("patch", "vip", "web", "--subresource=status", "--type=merge", "-p", """
            {"status":{"virtualRouterId":51,"master":"n1","backups":["n2"],
              "conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True","reason":"MasterElected","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}
            """));

        var lines = Lines(await K.OkAsync("get", "virtualips"));
        Assert.Matches(@"^NAME\s+ADDRESS\s+VRID\s+MASTER\s+BACKUPS\s+READY\s+AGE$", lines[0]);
        Assert.Matches(@"^web\s+10\.77\.0\.250\s+51\s+n1\s+\[""n2""\]\s+True\s+\d+s$", Assert.Single(lines[1..]));
    }

    [Fact]
    public async Task Get_vs_shows_the_healthy_summary()
    {
        Assert.Contains("patched", await K.OkAsync("patch", "vs", "web", "-n", "default", "--subresource=status", "--type=merge", "-p", """
            {"status":{"healthy":2,"total":2,"healthySummary":"2/2","node":"n1"}}
            """));

        var lines = Lines(await K.OkAsync("get", "vs", "-n", "default"));
        Assert.Matches(@"^NAME\s+VIP\s+PORT\s+PROTOCOL\s+SCHEDULER\s+HEALTHY\s+AGE$", lines[0]);
        Assert.Matches(@"^web\s+web\s+80\s+TCP\s+rr\s+2/2\s+\d+s$", Assert.Single(lines[1..]));
    }

    [Fact]
    public async Task Get_nac_shows_dataplane_and_heartbeat()
    {
        // What the operator writes: a VirtualIp with every kind of field, resolved for n1.
        var vip = Samples.Web();
        vip.Metadata.Generation = 1;
        vip.Spec.Authentication = new VrrpAuthentication { PasswordSecretRef = new SecretKeySelector { Name = "vrrp", Key = "password" } };
        vip.Spec.GratuitousArp = new GratuitousArp { Repeat = 2, RefreshInterval = "1m" };
        vip.Spec.Track =
        [
            new TrackCheck { Name = "api", Tcp = new TcpCheck { Port = 6443 }, Weight = -20 },
            new TrackCheck { Name = "web", Http = new HttpCheck { Url = "http://127.0.0.1:8080/healthz", ExpectedStatus = "200,204" } },
        ];
        // And a VirtualServer with every kind of field, resolved for the nodes of that VirtualIp.
        var server = VirtualServerSamples.Web();
        server.Metadata.Generation = 2;
        server.Spec.PersistenceNetmask = "255.255.255.0";
        server.Spec.InhibitOnFailure = true;
        server.Spec.Quorum = new Quorum { Minimum = 2, Hysteresis = 1 };
        server.Spec.SorryServer = new RealServer { Address = "10.77.0.99", Port = 8080 };
        server.Spec.HealthCheck = new HealthCheck { Http = new HttpHealthCheck { Path = "/healthz", Port = 8080, ExpectedStatus = "200,204", BodyRegex = "ok" } };
        var fwmark = VirtualServerSamples.Web();
        fwmark.Metadata.Name = "marked";
        fwmark.Spec.Port = null;
        fwmark.Spec.Fwmark = 7;
        var written = JsonSerializer.Serialize(
            new NodeAgentConfig
            {
                Metadata = new ObjectMeta { Name = "n1" },
                Spec = new NodeAgentConfigSpec
                {
                    Instances = [VirtualIpResolver.Resolve(vip, 51, 100, "kube-system")],
                    VirtualServers = [VirtualServerResolver.Resolve(server, vip), VirtualServerResolver.Resolve(fwmark, vip)],
                },
            },
            ApiJsonContext.Default.NodeAgentConfig);
        await K.OkAsync("apply", "-f", fixture.WriteFile("nac.json", written));
        await K.OkAsync("patch", "nac", "n1", "--subresource=status", "--type=merge", "-p", """
            {"status":{"dataplane":"ipvs","lastHeartbeatTime":"2020-01-01T00:00:00Z"}}
            """);

        var lines = Lines(await K.OkAsync("get", "nac"));
        Assert.Matches(@"^NAME\s+DATAPLANE\s+HEARTBEAT\s+AGE$", lines[0]);
        Assert.Matches(@"^n1\s+ipvs\s+\d+y\d*d?\s+\d+s$", Assert.Single(lines[1..]));
        Assert.Equal("100", await K.OkAsync("get", "nac", "n1", "-o", "jsonpath={.spec.instances[0].priority}"));

        // The schema keeps every field the operator writes (nothing pruned), and the agent reads back what was written.
        var stored = JsonSerializer.Deserialize(await K.OkAsync("get", "nac", "n1", "-o", "json"), ApiJsonContext.Default.NodeAgentConfig)!;
        Assert.Equal(
            JsonSerializer.Serialize(JsonSerializer.Deserialize(written, ApiJsonContext.Default.NodeAgentConfig)!.Spec, ApiJsonContext.Default.NodeAgentConfigSpec),
            JsonSerializer.Serialize(stored.Spec, ApiJsonContext.Default.NodeAgentConfigSpec));
        Assert.Equal(TimeSpan.FromMinutes(1), stored.Spec.Instances[0].GratuitousArp.RefreshInterval);
        Assert.Equal(new HttpTrackTarget(new Uri("http://127.0.0.1:8080/healthz"), HttpStatusRanges.Parse("200,204")), stored.Spec.Instances[0].Track[1].Target);
        Assert.Equal(VirtualServerResolver.Resolve(server, vip), stored.Spec.VirtualServers![0]);
        Assert.Equal(7, stored.Spec.VirtualServers[1].Fwmark);
        Assert.Equal("DR", await K.OkAsync("get", "nac", "n1", "-o", "jsonpath={.spec.virtualServers[0].forwarding}"));
    }

    [Fact]
    public async Task Apply_of_an_out_of_range_priority_fails_naming_the_field()
    {
        var bad = Samples.WebYaml.Replace("name: web", "name: bad", StringComparison.Ordinal).Replace("priority: 100", "priority: 300", StringComparison.Ordinal);
        var result = await K.RunAsync("apply", "-f", fixture.WriteFile("bad.yaml", bad));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.priorities[0].priority: Invalid value: 300: spec.priorities[0].priority in body should be less than or equal to 254", result.Stderr);
        Assert.Contains("NotFound", (await K.RunAsync("get", "vip", "bad")).Stderr);
    }

    [Fact]
    public async Task Apply_of_a_bad_virtual_server_fails_naming_each_field()
    {
        var bad = VirtualServerSamples.WebYaml
            .Replace("name: web", "name: bad", StringComparison.Ordinal)
            .Replace("scheduler: rr", "scheduler: roundrobin", StringComparison.Ordinal)
            .Replace("port: 80, weight: 1}\n    - {address: 10.77.0.12", "port: 80, weight: 70000}\n    - {address: 10.77.0.12", StringComparison.Ordinal);
        var result = await K.RunAsync("apply", "-f", fixture.WriteFile("bad-vs.yaml", bad));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.scheduler: Unsupported value: \"roundrobin\"", result.Stderr);
        Assert.Contains("spec.realServers[0].weight: Invalid value: 70000", result.Stderr);
    }

    [Fact]
    public async Task Explain_virtualip_spec_shows_the_descriptions()
    {
        var explained = await K.OkAsync("explain", "virtualip.spec");
        Assert.Contains("KIND:       VirtualIp", explained);
        Assert.Contains("VirtualIpSpec is the desired state of a virtual IP.", explained);
        Assert.Matches(@"addresses\s+<\[\]string> -required-", explained);
        Assert.Contains("VRRP virtual router id, 1-255", explained);
        Assert.Matches(@"priorities\s+<\[\]Object>", explained);

        var priority = await K.OkAsync("explain", "vip.spec.priorities.priority");
        Assert.Contains("VRRP priority, 1-254 (higher wins).", priority);
    }
}
