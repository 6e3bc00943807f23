using KeepOperator.NodeAgent.LoadBalancing;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

public class DataplaneSelectorTests
{
    private static readonly IpvsProbeResult Present = IpvsProbeResult.Found(0x25);
    private static readonly IpvsProbeResult Absent = IpvsProbeResult.NotFound("generic netlink family IPVS not found");

    [Theory]
    [InlineData("auto", true, DataplaneKind.Ipvs, "auto: the kernel has IPVS (generic netlink family IPVS is 37)")]
    [InlineData("auto", false, DataplaneKind.Nftables, "auto: the kernel has no IPVS (generic netlink family IPVS not found)")]
    [InlineData("nftables", true, DataplaneKind.Nftables, "requested with --dataplane nftables")]
    [InlineData("ipvs", true, DataplaneKind.Ipvs, "requested with --dataplane ipvs")]
    public void Chooses_with_a_reason(string mode, bool ipvs, DataplaneKind kind, string reason)
    {
        Assert.True(DataplaneSelector.TryParseMode(mode, out var parsed));

        var choice = DataplaneSelector.Select(parsed, ipvs ? Present : Absent);

        Assert.Equal(new DataplaneChoice(kind, reason), choice);
    }

    [Fact]
    public void Ipvs_asked_for_on_a_kernel_without_it_is_an_error_not_a_fallback()
    {
        var choice = DataplaneSelector.Select(DataplaneMode.Ipvs, Absent);

        Assert.Null(choice.Kind);
        Assert.Equal("--dataplane ipvs, but the kernel has no IPVS (generic netlink family IPVS not found)", choice.Reason);
        Assert.False(DataplaneSelector.TryParseMode("IPVS", out _));
    }

    [Fact]
    public void Kube_proxy_in_ipvs_mode_matters_only_to_the_ipvs_dataplane()
    {
        Assert.Contains("--ipvs-exclude-cidrs", KubeProxyIpvsCheck.Explain(DataplaneKind.Ipvs, kubeIpvsLinkExists: true), StringComparison.Ordinal);
        Assert.Null(KubeProxyIpvsCheck.Explain(DataplaneKind.Ipvs, kubeIpvsLinkExists: false));
        Assert.Null(KubeProxyIpvsCheck.Explain(DataplaneKind.Nftables, kubeIpvsLinkExists: true));
    }
}
