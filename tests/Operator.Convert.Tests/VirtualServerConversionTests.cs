using KeepOperator.Api;
using Xunit;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>virtual_server, real_server and checker keywords.</summary>
public class VirtualServerConversionTests
{
    private const string Vip = "global_defs {\n router_id lb1\n}\nvrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n  10.1.1.1\n }\n}\n";

    private static ConversionResult Convert(string virtualServer) =>
        InMemoryConfigFiles.Convert(new() { ["k.conf"] = Vip + virtualServer });

    private static VirtualServerSpec Spec(ConversionResult result)
    {
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return Assert.Single(result.VirtualServers).Spec;
    }

    private static IEnumerable<string> Messages(ConversionResult result) => result.Diagnostics.Select(d => d.ToString());

    [Fact]
    public void ReadsTheServiceSettings()
    {
        var spec = Spec(Convert("virtual_server 10.1.1.1 443 {\n lvs_sched sh\n lvs_method TUN\n persistence_timeout\n persistence_granularity 255.255.255.0\n protocol UDP\n" +
            " sorry_server 10.2.2.2 8443\n quorum 2\n hysteresis 1\n inhibit_on_failure\n real_server 10.3.3.3 443 {\n  weight 0\n }\n}\n"));
        Assert.Equal(("sh", "TUN", "6m0s", "255.255.255.0", "UDP"), (spec.Scheduler, spec.Forwarding, spec.PersistenceTimeout, spec.PersistenceNetmask, spec.Protocol));
        Assert.Equal(("10.2.2.2", 8443), (spec.SorryServer!.Address, spec.SorryServer.Port!.Value));
        Assert.Equal((2, 1), (spec.Quorum!.Minimum, spec.Quorum.Hysteresis!.Value));
        Assert.True(spec.InhibitOnFailure);
        Assert.Equal(0, Assert.Single(spec.RealServers!).Weight);
        Assert.Null(spec.HealthCheck);
    }

    [Fact]
    public void ConvertsAnHttpCheck()
    {
        var result = Convert("virtual_server 10.1.1.1 80 {\n delay_loop 10\n real_server 10.3.3.3 8080 {\n  HTTP_GET {\n   url {\n    path /healthz\n    status_code 200 301-302\n    digest 9b3a0c85a887a256d6939da88aabd8cd\n   }\n" +
            "   url {\n    path /other\n   }\n   connect_timeout 2\n   retry 4\n   delay_before_retry 1.5\n  }\n }\n}\n");
        var check = Spec(result).HealthCheck!;
        Assert.Equal(("10s", 4, "1.5s"), (check.Interval, check.Retries, check.DelayBeforeRetry));
        Assert.Equal(("/healthz", "200,301-302", "2s", null), (check.Http!.Path, check.Http.ExpectedStatus, check.Http.ConnectTimeout, check.Http.Port));
        Assert.Equal(("9b3a0c85a887a256d6939da88aabd8cd", null), (check.Http.Digest, check.Http.Tls));
        Assert.Null(check.Tcp);
        var messages = Messages(result).ToList();
        Assert.Contains("k.conf:20: warning: url: not converted: an HTTP check requests one URL; the first one is used", messages);
    }

    [Theory]
    [InlineData("MISC_CHECK {\n   misc_path /bin/check\n  }", "MISC_CHECK: not converted: no equivalent: KeepOperator runs no scripts")]
    [InlineData("SMTP_CHECK {\n  }", "SMTP_CHECK: not converted: no equivalent")]
    [InlineData("notify_down /bin/x", "notify_down: not converted: no equivalent")]
    [InlineData("wieght 3", "wieght: unknown or unsupported keyword in real_server: ignored")]
    public void RealServerStatementsWithoutEquivalentAreWarnings(string statement, string message)
    {
        var result = Convert($"virtual_server 10.1.1.1 80 {{\n real_server 10.3.3.3 80 {{\n  {statement}\n }}\n}}\n");
        Assert.True(result.Succeeded);
        Assert.Contains(Messages(result), m => m.StartsWith($"k.conf:13: warning: {message}", StringComparison.Ordinal));
    }

    [Fact]
    public void AFirewallMarkServiceGoesToTheOnlyVirtualIp()
    {
        var result = Convert("virtual_server fwmark 5 {\n lb_algo rr\n real_server 10.3.3.3 80 {\n }\n}\n");
        var vs = Assert.Single(result.VirtualServers);
        Assert.Equal(("vi-1-fwmark-5", "vi-1", 5, null), (vs.Metadata.Name, vs.Spec.VirtualIpRef, vs.Spec.Fwmark, vs.Spec.Port));
    }

    [Fact]
    public void AnSslCheckIsAnHttpCheckOverTls()
    {
        var check = Spec(Convert("virtual_server 10.1.1.1 443 {\n real_server 10.3.3.3 443 {\n  SSL_GET {\n   url {\n    path /\n    digest ABCDEF0123456789abcdef0123456789\n   }\n  }\n }\n}\n")).HealthCheck!;
        Assert.Equal((true, "/", "abcdef0123456789abcdef0123456789"), (check.Http!.Tls, check.Http.Path, check.Http.Digest));
    }

    [Fact]
    public void AGroupIsOneVirtualServerPerMemberRangesExpanded()
    {
        var result = Convert("virtual_server_group G {\n 10.1.1.1 80\n 10.9.0.3-5 8080\n fwmark 7\n}\nvirtual_server group G {\n lb_algo sh\n real_server 10.3.3.3 80 {\n }\n}\n");
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(
            ["10.1.1.1:80", "10.9.0.3:8080", "10.9.0.4:8080", "10.9.0.5:8080", "fwmark 7"],
            result.VirtualServers.Select(v => v.Spec.Fwmark is { } mark ? $"fwmark {mark}" : $"{v.Spec.Address ?? "10.1.1.1"}:{v.Spec.Port}"));
        Assert.All(result.VirtualServers, v => Assert.Equal("sh", v.Spec.Scheduler));
        Assert.Contains("k.conf:16: note: virtual_server group G: one VirtualServer per member of its virtual_server_group (5)", Messages(result));

        // An IPv6 range counts the last group in hex.
        var v6 = Convert("virtual_server_group G {\n fd00::9-b 80\n}\nvirtual_server group G {\n real_server fd00::100 80 {\n }\n}\n");
        Assert.True(v6.Succeeded, string.Join("\n", v6.Diagnostics));
        Assert.Equal(["fd00::9", "fd00::a", "fd00::b"], v6.VirtualServers.Select(v => v.Spec.Address));
    }

    [Theory]
    [InlineData("virtual_server group H {\n}\n", "k.conf:11: error: virtual_server group H: no virtual_server_group H")]
    [InlineData("virtual_server_group G {\n 10.0.0.9-1 80\n}\nvirtual_server group G {\n}\n", "k.conf:12: error: virtual_server_group: \"10.0.0.9-1\" is not an address range of at most 256 (A.B.C.D-E)")]
    public void ABadGroupIsAnError(string text, string error)
    {
        var result = Convert(text);
        Assert.False(result.Succeeded);
        Assert.Contains(error, Messages(result));
    }

    [Theory]
    [InlineData("virtual_server 10.1.1.1 80 {\n lb_algo fastest\n}\n", "k.conf:12: error: lb_algo: expected one of dh, fo, lblc, lblcr, lc, mh, nq, ovf, rr, sed, sh, twos, wlc, wrr, got \"fastest\"")]
    [InlineData("virtual_server 10.1.1.1 http {\n}\n", "k.conf:11: error: virtual_server: port must be a number from 1 to 65535, got \"http\"")]
    [InlineData("virtual_server 10.1.1.1 {\n}\n", "k.conf:11: error: virtual_server: expected ADDRESS PORT or fwmark NUMBER")]
    [InlineData("virtual_server 10.1.1.1 80 {\n lb_kind dr\n}\n", "k.conf:12: error: lb_kind: expected one of DR, NAT, TUN, got \"dr\"")]
    public void InvalidValuesAreErrors(string text, string error)
    {
        var result = Convert(text);
        Assert.False(result.Succeeded);
        Assert.Contains(error, Messages(result));
    }
}
