using KeepOperator.Api;
using KeepOperator.NodeAgent.Kube;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Hosting.TestInstances;

namespace KeepOperator.NodeAgent.Tests.Kube;

public sealed class ClusterInstanceResolverTests
{
    private static NodeAgentConfig Config(params (string Name, VirtualIpSpec Spec)[] instances) => new()
    {
        Metadata = new ObjectMeta { Name = "n1", Generation = 3 },
        Spec = new NodeAgentConfigSpec { Instances = [.. instances.Select(i => Instance(i.Name, i.Spec))] },
    };

    private static string? NoSecrets(SecretKeySelector _) => null;

    [Fact]
    public void ResolvesEachInstance_ErrorsStayWithTheirInstance()
    {
        var config = Config(
            ("web", Spec(51)),
            ("bad", Spec(52, vip: "10.99.0.251", change: s => s.Interface = "eth9")),
            ("db", Spec(53, priority: 90, vip: "10.99.0.252")));

        var r = ClusterInstanceResolver.Resolve(config, Host, NoSecrets);

        Assert.Equal(["web", "bad", "db"], r.Names);
        Assert.Equal([("web", 100), ("db", 90)], r.Settings.Select(s => (s.Name, (int)s.Router.Priority)));
        Assert.Contains("eth9", r.Errors["bad"], StringComparison.Ordinal);
    }

    [Fact]
    public void SecondUseOfAVridOrVip_IsRefused_TheFirstRuns()
    {
        var config = Config(("a", Spec(51)), ("b", Spec(51, vip: "10.99.0.251")), ("c", Spec(52)));
        var r = ClusterInstanceResolver.Resolve(config, Host, NoSecrets);
        Assert.Equal(["a"], r.Settings.Select(s => s.Name));
        Assert.Contains("VRID 51", r.Errors["b"], StringComparison.Ordinal);
        Assert.Contains("10.99.0.250 is already held by a", r.Errors["c"], StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordComesFromTheSecretReader()
    {
        static void Auth(VirtualIpSpec s) => s.Authentication = new VrrpAuthentication
        {
            Type = "PASS",
            PasswordSecretRef = new SecretKeySelector { Namespace = "kube-system", Name = "vrrp", Key = "password" },
        };
        var v2 = (Action<VirtualIpSpec>)(s => { s.VrrpVersion = 2; s.AdvertInterval = "1s"; Auth(s); });
        var config = Config(("web", Spec(51, change: v2)));

        var found = ClusterInstanceResolver.Resolve(config, Host, r => r is { Namespace: "kube-system", Name: "vrrp", Key: "password" } ? "s3cret" : null);
        Assert.Equal("s3cret", Assert.Single(found.Settings).Password);

        var missing = ClusterInstanceResolver.Resolve(config, Host, NoSecrets);
        Assert.Empty(missing.Settings);
        Assert.Contains("passwordSecretRef", missing.Errors["web"], StringComparison.Ordinal);
    }
}
