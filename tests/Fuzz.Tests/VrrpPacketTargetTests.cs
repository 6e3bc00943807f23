using Xunit;

namespace KeepOperator.Fuzz.Tests;

/// <summary>The target's repair flags: without them a changed byte is a checksum or IP header drop, with them it gets through.</summary>
public sealed class VrrpPacketTargetTests
{
    private static readonly VrrpPacketTarget Target = new();

    /// <summary>keepalived's v2 PASS advert for VRID 51 (Golden/v2-pass.hex), without repair flags.</summary>
    private static byte[] V2Pass() => Seeds.From(Target, "v2-pass.hex")[0];

    [Fact]
    public void TheSeedIsAccepted() => Assert.Equal(FuzzOutcome.Accepted, Target.Run(V2Pass()));

    [Fact]
    public void AChangedPriorityFailsTheChecksumUnlessItIsRepaired()
    {
        var input = V2Pass();
        input[1 + 20 + 2] ^= 0x10; // flags byte, IPv4 header, then VRRP byte 2: the priority
        Assert.Equal("Checksum", Target.Run(input));

        input[0] = VrrpPacketTarget.RepairVrrpChecksum;
        Assert.Equal(FuzzOutcome.Accepted, Target.Run(input));
    }

    [Fact]
    public void AnAppendedByteBreaksTheIpHeaderUnlessItIsRepaired()
    {
        byte[] input = [.. V2Pass(), 0];
        Assert.Equal(VrrpPacketTarget.NotIpDatagram, Target.Run(input));

        input[0] = VrrpPacketTarget.RepairIpHeader;
        Assert.Equal("Length", Target.Run(input));
    }

    [Fact]
    public void AWrongPasswordIsAnAuthMismatch()
    {
        var input = V2Pass();
        input[^1] ^= 0x01;
        input[0] = VrrpPacketTarget.RepairVrrpChecksum;
        Assert.Equal("AuthMismatch", Target.Run(input));
    }
}
