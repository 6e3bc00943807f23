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
        Assert.Null(check.Tcp);
        var messages = Messages(result).ToList();
        Assert.Contains(messages, m => m.StartsWith("k.conf:18: warning: digest: not converted: no equivalent", StringComparison.Ordinal));
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
