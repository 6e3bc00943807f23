using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.Lab.Tests.Lab;
using KeepOperator.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// Transition webhooks from the real agent: an HTTPS receiver in this test process, its socket made inside the lab's
/// switch namespace on 10.77.0.1 (the nodes reach it over the bridge), its self-signed certificate given to the agent as
/// caBundle; the receiver fails the first two POSTs. And foreign-router reports: Debian's keepalived advertising a VRID the
/// cluster-mode agent does not run, which the agent puts into its NodeAgentConfig status.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed class WebhookLabTests(ITestOutputHelper output)
{
    private const string ReceiverAddress = LabNetwork.Subnet4 + ".1";

    [LabFact]
    public void Each_transition_is_posted_in_order_over_https_and_a_failing_receiver_is_retried()
    {
        using var lab = LabNetwork.Create(1, output);
        var n1 = lab.Node(1);
        Sh.Check("ip", "-n", lab.SwitchNamespace, "addr", "add", ReceiverAddress + "/24", "dev", "br0");
        var listener = Native.InNamespace(lab.SwitchNamespace, () =>
        {
            var l = new TcpListener(IPAddress.Parse(ReceiverAddress), 0);
            l.Start();
            return l;
        });
        using var receiver = new WebhookReceiver(listener, IPAddress.Parse(ReceiverAddress), failFirst: 2);
        var caBundle = string.Join("\n", receiver.CaBundle.Split('\n').Select(l => "        " + l));
        var yaml = $"""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata:
              name: hooked
            spec:
              addresses: ["10.77.0.250"]
              interface: eth0
              virtualRouterId: 61
              defaultPriority: 120
              webhooks:
              - url: {receiver.Url}
                timeout: 2s
                attempts: 4
                caBundle: |
            {caBundle}
            """;
        var agent = AgentPeer.StartWith(lab, n1, yaml);

        var master = Wait.Until(() => lab.HasAddress(n1, "10.77.0.250"), TimeSpan.FromSeconds(15));
        Assert.True(master is not null, "n1 did not become master\n" + agent.Describe());
        var two = Wait.Until(() => receiver.Accepted.Count >= 2, TimeSpan.FromSeconds(15));
        Assert.True(two is not null, $"the receiver got {receiver.Accepted.Count} accepted POSTs\n" + agent.Describe());
        Assert.Equal(2, agent.Metric("keepoperator_webhook_deliveries_total{result=\"delivered\"}"));

        agent.Term();
        Assert.True(agent.WaitForExit(TimeSpan.FromSeconds(10)), "the agent did not stop\n" + agent.Describe());
        var accepted = receiver.Accepted.Select(b => JsonDocument.Parse(b).RootElement).ToList();
        Assert.Equal(
            ["Stopped->Backup", "Backup->Master", "Master->Stopped"],
            accepted.Select(a => $"{a.GetProperty("from").GetString()}->{a.GetProperty("to").GetString()}"));
        Assert.All(accepted, a => Assert.Equal("hooked", a.GetProperty("virtualIp").GetString()));
        Assert.All(accepted, a => Assert.Equal("n1", a.GetProperty("node").GetString()));
        Assert.Equal(120, accepted[1].GetProperty("priority").GetInt32());
        Assert.False(string.IsNullOrEmpty(accepted[1].GetProperty("reason").GetString()));
        var times = accepted.Select(a => a.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.True(times[0] <= times[1] && times[1] <= times[2], "times out of order: " + string.Join(", ", times));
        // The first POST was answered 503 twice before it got through.
        Assert.Equal(accepted.Count + 2, receiver.Bodies.Count);
        Assert.Equal(2, agent.EventsOf("webhook").Count(e => e.GetValueOrDefault("result") == "retry"));
    }

    [LabFact]
    public void A_cluster_agent_reports_the_vrid_keepalived_advertises_next_to_it()
    {
        if (KeepalivedPeer.Executable is null)
        {
            output.WriteLine("keepalived is not installed (tools/install-deps.sh): skipped");
            return;
        }

        using var lab = LabNetwork.Create(2, output);
        var (n1, n2) = (lab.Node(1), lab.Node(2));
        var api = ClusterAgentApiServer.Start(lab);
        api.Create(new NodeAgentConfig
        {
            Metadata = new ObjectMeta { Name = n1.Name },
            Spec = new NodeAgentConfigSpec
            {
                Instances =
                [
                    VirtualIpResolver.Resolve(
                        new VirtualIp { Metadata = new ObjectMeta { Name = "ours", Generation = 1 }, Spec = new VirtualIpSpec { Addresses = ["10.77.0.250"], Interface = "eth0" } },
                        51, 100, "default"),
                ],
            },
        });
        var agent = AgentPeer.StartCluster(lab, n1, api.Kubeconfig);
        var keepalived = KeepalivedPeer.Start(lab, n2,
            new VipSpec("theirs", 77, 2, TimeSpan.FromSeconds(1), ["10.77.0.251"], new Dictionary<string, int> { ["n2"] = 150 }));

        JsonNode? heard = null;
        var reported = Wait.Until(() => (heard = api.Get("/apis/keepoperator.io/v1alpha1/nodeagentconfigs/n1")?["status"]?["foreignRouters"]?.AsArray()
            .FirstOrDefault(r => r?["virtualRouterId"]?.GetValue<int>() == 77)) is not null, TimeSpan.FromSeconds(15));
        Assert.True(reported is not null, "n1's status never named VRID 77\n" + agent.Describe() + "\n" + string.Join("\n", keepalived.Process.AllLines));
        Assert.Equal("eth0", heard!["interface"]!.GetValue<string>());
        Assert.Equal("IPv4", heard["family"]!.GetValue<string>());
        Assert.Equal(n2.IPv4, heard["source"]!.GetValue<string>());
        Assert.Equal(2, heard["version"]!.GetValue<int>());
        // VRID 77 on the wire leaves VRID 51 alone.
        Assert.True(Wait.Until(() => api.ReportedState("n1", "ours") == "Master", TimeSpan.FromSeconds(10)) is not null, "n1 did not report ours as Master\n" + agent.Describe());
    }
}
