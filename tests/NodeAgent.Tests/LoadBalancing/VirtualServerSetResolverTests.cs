using System.Net;
using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.LoadBalancing;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>What the agent checks of the resolved virtual servers it is given: only what needs its running VirtualIps.</summary>
public class VirtualServerSetResolverTests
{
    private static readonly Dictionary<string, IReadOnlyList<IPAddress>> Running = new() { ["vi-1"] = [IPAddress.Parse("10.77.0.250")] };

    [Fact]
    public void A_set_refuses_an_unknown_virtual_ip_an_address_it_lacks_and_a_second_claim_on_one_service_but_keeps_the_rest()
    {
        var unknown = VirtualServerSamples.Resolved(VirtualServerSamples.Web("unknown")) with { VirtualIp = "nope" };
        var elsewhere = VirtualServerSamples.Resolved(VirtualServerSamples.Web("elsewhere", 8080)) with { Address = IPAddress.Parse("10.77.0.99") };
        VirtualServerInstance[] servers =
        [
            VirtualServerSamples.Resolved(VirtualServerSamples.Web("a")),
            unknown,
            VirtualServerSamples.Resolved(VirtualServerSamples.Web("b")),
            elsewhere,
            VirtualServerSamples.Resolved(VirtualServerSamples.Web("c", 443)),
        ];

        var set = VirtualServerSetResolver.Resolve(servers, Running);

        Assert.Equal(["default/a", "default/c"], set.Definitions.Select(d => d.DisplayName));
        Assert.Equal([(1, "spec.virtualIpRef"), (2, "spec.port"), (3, "spec.address")], set.Errors.Select(e => (e.Index, e.Error.Path)));
        Assert.Contains("default/a", set.Errors[1].Error.Message, StringComparison.Ordinal);
        Assert.Equal("10.77.0.99 is not an address of VirtualIp \"vi-1\" (10.77.0.250)", set.Errors[2].Error.Message);
    }

    [Fact]
    public void The_definitions_are_the_servers_given_unchanged()
    {
        var server = VirtualServerSamples.Resolved(VirtualServerSamples.Web());

        Assert.Same(server, Assert.Single(VirtualServerSetResolver.Resolve([server], Running).Definitions).Server);
    }

    [Fact]
    public void A_static_server_needs_no_running_virtual_ip()
    {
        var server = VirtualServerSamples.Web("static");
        (server.Spec.VirtualIpRef, server.Spec.Address) = (null, "10.77.0.40");
        var resolved = VirtualServerResolver.Resolve(server, null);

        var set = VirtualServerSetResolver.Resolve([resolved], new Dictionary<string, IReadOnlyList<IPAddress>>());

        Assert.Empty(set.Errors);
        Assert.Equal(IPAddress.Parse("10.77.0.40"), Assert.Single(set.Definitions).Service.Key.Address);
    }
}
