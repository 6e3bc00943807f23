using System.Text.Json;
using KeepOperator.Api;
using KeepOperator.Api.Rbac;
using KeepOperator.LocalCluster;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Kube;
using KeepOperator.NodeAgent.Tests.Kube;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Hosting.TestInstances;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>
/// The agent's RBAC, derived from the calls it makes: a cluster-mode agent reads its config (with a password in a
/// Secret), runs it, reports, and follows a change, while LocalCluster records each request by User-Agent, verb,
/// group, resource and namespace. Every request must be granted by <see cref="AgentPermissions"/> (which the chart
/// is checked against in Deploy.Tests), and every verb granted called.
/// </summary>
public sealed class AgentRbacFromCallsTests
{
    private const string SecretNs = "vrrp-secrets";

    [Fact]
    public async Task The_agent_calls_only_what_it_is_granted_and_is_granted_only_what_it_calls()
    {
        var requests = new RequestCounts();
        await using var cluster = await KubeTestCluster.StartAsync(requests: requests);
        await cluster.SendAsync(HttpMethod.Post, "/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"vrrp-secrets"}}""");
        await cluster.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{SecretNs}/secrets",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"vrrp"},"data":{"password":"c2VjcmV0"}}""");
        var config = new NodeAgentConfig
        {
            Metadata = new ObjectMeta { Name = "n1" },
            Spec = new NodeAgentConfigSpec
            {
                Instances = [Instance("web", Spec(51, change: s =>
                {
                    // Authentication is VRRPv2's (RFC 3768); v3 has none.
                    s.VrrpVersion = 2;
                    s.AdvertInterval = "1s";
                    s.Authentication = new VrrpAuthentication { PasswordSecretRef = new SecretKeySelector { Namespace = SecretNs, Name = "vrrp", Key = "password" } };
                }))],
            },
        };
        await cluster.CreateConfigAsync(config);
        var log = new CapturedLog();
        var host = new FakeHost(log);
        using var client = cluster.NewClient();
        await using var agent = new VrrpAgent(host, TimeProvider.System, log.Log);
        var loop = agent.RunAsync();
        using var stop = new CancellationTokenSource();
        var running = new ClusterAgent(client, agent, "n1", host, TimeProvider.System, log.Log).RunAsync(stop.Token);

        // Read with the test's own client (no User-Agent), so that only the agent's calls count as the agent's.
        async Task<NodeAgentConfigStatus?> Status() =>
            JsonSerializer.Deserialize(await cluster.Http.GetStringAsync(NodeConfigSource.ObjectPath("n1")), ApiJsonContext.Default.NodeAgentConfig)?.Status;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(8);
        while ((await Status())?.Instances is not [{ Name: "web", State: "Master" }])
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for web to be reported Master; log:\n" + log);
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        await running;
        agent.RequestShutdown();
        await loop;

        var called = requests.Snapshot().Where(r => r.Kind.Client == KubeApiClient.UserAgentProduct).Select(r => r.Kind).ToList();
        RbacAudit.AssertExactlyGranted(called, AgentPermissions.All, releaseNamespace: "keepoperator-system", secretNamespaces: [SecretNs]);
    }
}
