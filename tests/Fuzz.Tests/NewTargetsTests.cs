using Xunit;

namespace KeepOperator.Fuzz.Tests;

/// <summary>The seeds of the netlink, IPVS and API JSON targets are accepted, and a broken one is rejected by name.</summary>
public sealed class NewTargetsTests
{
    [Fact]
    public void TheKernelsDumpsAndErrorReplyAreReadAndABrokenLinkIsNamed()
    {
        var target = FuzzTargets.Find("netlink-reply")!;
        var seeds = Seeds.For(target);
        Assert.All(seeds, s => Assert.Equal(FuzzOutcome.Accepted, target.Run(s)));
        var link = Seeds.From(target, "links.hex")[0];
        Assert.Equal("Truncated", target.Run(link[..20]));
        // The first message's length cut to its header: an RTM_NEWLINK without its ifinfomsg.
        byte[] headerOnly = [16, 0, 0, 0, .. link[4..16]];
        Assert.Equal("BadLink", target.Run(headerOnly));
    }

    [Fact]
    public void EveryGoldenIpvsRequestDecodesAndEncodesBack()
    {
        var target = FuzzTargets.Find("ipvs-message")!;
        var seeds = Seeds.For(target);
        Assert.True(seeds.Count > 20);
        // The one ipvsadm request the codec does not model: a single-service GET; "-M 24" on an IPVS netmask is kept as prefix -1.
        Assert.All(seeds, s => Assert.Contains(target.Run(s), new[] { FuzzOutcome.Accepted, IpvsMessageTarget.NotEncodable, "IPVS_CMD_GET_SERVICE for a single service is not modelled." }));
        Assert.Contains(seeds, s => target.Run(s) == FuzzOutcome.Accepted);
        Assert.Equal("Not a well-formed generic netlink message.", target.Run(seeds[0][..10]));
    }

    [Fact]
    public void TheExampleManifestsAreAcceptedAndAMistypedFieldIsNamed()
    {
        var target = FuzzTargets.Find("api-json")!;
        var seeds = Seeds.For(target);
        Assert.All(seeds, s => Assert.Equal(FuzzOutcome.Accepted, target.Run(s)));
        Assert.Equal("JsonException", target.Run([ApiJsonTarget.StrictMembers, .. "{\"spec\":{\"adresses\":[]}}"u8]));
        Assert.Equal("Null", target.Run([0, .. "null"u8]));
        Assert.StartsWith("Invalid ", target.Run([0, .. "{\"spec\":{}}"u8]), StringComparison.Ordinal);
    }
}
