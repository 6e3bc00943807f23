using System.Text;
using Xunit;

namespace KeepOperator.Fuzz.Tests;

public sealed class KeepalivedConfTargetTests
{
    private static readonly KeepalivedConfTarget Target = new();

    [Theory]
    [InlineData("priority: expected a whole number from 1 to 255, got \"300\"", "priority: expected a whole number from N to N, got \"…\"")]
    [InlineData("vrrp_instance VI_1: node \"lb01\" already has an instance", "vrrp_instance …: node \"…\" already has an instance")]
    [InlineData("include a/*.conf: no file matches", "include …: no file matches")]
    public void RejectionsAreCountedWithTheInputsPartsBlanked(string message, string shape) =>
        Assert.Equal(shape, KeepalivedConfTarget.Shape(message));

    [Fact]
    public void TheSampleConfigurationsConvert()
    {
        Assert.All(Seeds.For(Target), seed => Assert.Equal(FuzzOutcome.Accepted, Target.Run(seed)));
    }

    [Fact]
    public void AnIncludeOfItselfIsRejectedAsACycle() =>
        Assert.Equal("include …: keepalived.conf includes itself (through …)", Target.Run(Encoding.UTF8.GetBytes("include *.conf\n")));
}
