using Xunit;

namespace KeepOperator.LocalCluster.Tests;

/// <summary>
/// Every x-kubernetes-validations rule of deploy/crds, broken once with the real kubectl against LocalCluster: the
/// write is refused with the rule's message in the API server's words, and a valid object of each kind goes through.
/// </summary>
public sealed class CelRuleTests(ClusterFixture cluster) : IClassFixture<ClusterFixture>, IAsyncLifetime
{
    private const string VipHead = "apiVersion: keepoperator.io/v1alpha1\nkind: VirtualIp\nmetadata: {name: cel}\nspec:\n  interface: eth0\n  virtualRouterId: 9\n";
    private const string VsHead = "apiVersion: keepoperator.io/v1alpha1\nkind: VirtualServer\nmetadata: {name: cel, namespace: default}\nspec:\n  virtualIpRef: cel\n";

    public static TheoryData<string, string> Broken => new()
    {
        { VipHead + "  addresses: [10.0.0.1]\n  vrrpVersion: 3\n  authentication: {type: PASS, password: x}\n", "spec.authentication: Invalid value: \"object\": authentication is only allowed with vrrpVersion 2" },
        { VipHead + "  addresses: [10.0.0.1, \"fd00::1\"]\n  vrrpVersion: 3\n", "spec.addresses: Invalid value: \"object\": all addresses must be of one family" },
        { VipHead + "  addresses: [\"fd00::1\"]\n", "spec.vrrpVersion: Invalid value: \"object\": IPv6 addresses need vrrpVersion 3" },
        { VipHead + "  addresses: [10.0.0.1]\n  advertInterval: 1500ms\n", "VRRP version 2 needs whole seconds between 1s and 255s" },
        { VipHead + "  addresses: [10.0.0.1]\n  vrrpVersion: 3\n  advertInterval: 15ms\n", "version 3 a multiple of 10ms" },
        { VipHead + "  addresses: [999.0.0.1]\n", "spec.addresses[0]: Invalid value: \"string\": must be an IP address or CIDR" },
        { VipHead + "  addresses: [10.0.0.1/33]\n", "must be an IP address or CIDR" },
        { VipHead + "  addresses: [10.0.0.1]\n  preemptDelay: 1001s\n", "spec.preemptDelay: Invalid value: \"string\": must be at most 1000s" },
        { VipHead + "  addresses: [10.0.0.1]\n  authentication: {type: PASS}\n", "needs exactly one of password and passwordSecretRef" },
        { VipHead + "  addresses: [10.0.0.1]\n  webhooks: [{timeout: 2s}]\n", "needs exactly one of url and urlSecretRef" },
        { VipHead + "  addresses: [10.0.0.1]\n  track: [{name: t, tcp: {port: 80}, http: {url: \"http://a/\"}}]\n", "must have exactly one of tcp, http, pods" },
        { VipHead + "  addresses: [10.0.0.1]\n  track: [{name: t, pods: {selector: {}}}]\n", "must have matchLabels or matchExpressions" },
        { VipHead + "  addresses: [10.0.0.1]\n  track: [{name: t, pods: {selector: {matchExpressions: [{key: app, operator: In}]}}}]\n", "In and NotIn need values" },
        { VsHead + "  port: 80\n  fwmark: 7\n  realServers: [{address: 10.0.0.2}]\n", "spec: Invalid value: \"object\": must have exactly one of port and fwmark" },
        { VsHead + "  port: 80\n", "needs realServers or serviceRef" },
        { VsHead + "  port: 80\n  address: \"10.0.0\"\n  realServers: [{address: 10.0.0.2}]\n", "spec.address: Invalid value: \"string\": must be an IP address" },
        { VsHead + "  port: 80\n  realServers: [{address: 10.0.0.2}]\n  healthCheck: {tcp: {}, http: {}}\n", "must have exactly one of tcp and http" },
        { VsHead.Replace("  virtualIpRef: cel\n", "", StringComparison.Ordinal) + "  port: 80\n  realServers: [{address: 10.0.0.2}]\n", "needs virtualIpRef, or the static address (spec.address) it serves on" },
        { VsHead + "  port: 80\n  nodeSelector: {lb: \"yes\"}\n  realServers: [{address: 10.0.0.2}]\n", "nodeSelector is only for a static virtual server (without virtualIpRef)" },
    };

    public async Task InitializeAsync()
    {
        var crds = await cluster.Kubectl.RunAsync("apply", "-f", RepoPaths.Crds);
        Assert.True(crds.ExitCode == 0, crds.ToString());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task Each_rule_refuses_what_breaks_it_in_the_api_servers_words(string yaml, string expected)
    {
        var apply = await cluster.Kubectl.RunAsync("apply", "-f", cluster.WriteFile($"cel-{Guid.NewGuid():N}.yaml", yaml));

        Assert.True(apply.ExitCode != 0, "accepted: " + apply);
        Assert.Contains(expected, apply.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Objects_keeping_every_rule_are_accepted()
    {
        var yaml = VipHead.Replace("name: cel", "name: cel-ok", StringComparison.Ordinal)
            + "  addresses: [\"fd00::1/64\"]\n  vrrpVersion: 3\n  advertInterval: 50ms\n  preemptDelay: 10s\n"
            + "  track: [{name: t, pods: {selector: {matchExpressions: [{key: app, operator: In, values: [web]}]}}}]\n---\n"
            + VsHead.Replace("name: cel,", "name: cel-ok,", StringComparison.Ordinal)
            + "  fwmark: 7\n  realServers: [{address: \"fd00::2\"}]\n  healthCheck: {tcp: {port: 80}}\n---\n"
            + VsHead.Replace("name: cel,", "name: cel-static,", StringComparison.Ordinal).Replace("  virtualIpRef: cel\n", "", StringComparison.Ordinal)
            + "  address: 10.0.0.40\n  nodeSelector: {lb: \"yes\"}\n  port: 443\n  realServers: [{address: 10.0.0.2}]\n"
            + "  healthCheck: {http: {tls: true, digest: 640205b7b0fc66c1ea91c463fac6334d}}\n";
        var apply = await cluster.Kubectl.RunAsync("apply", "-f", cluster.WriteFile("cel-ok.yaml", yaml));

        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.DoesNotContain("does not evaluate", apply.Stderr, StringComparison.Ordinal);
    }
}
