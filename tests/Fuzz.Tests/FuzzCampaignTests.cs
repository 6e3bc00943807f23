using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Fuzz.Tests;

/// <summary>
/// A short in-process campaign on each target (the bounded afl-fuzz campaign is tools/fuzz.sh): no input crashes or
/// hangs, every input is counted as accepted or under a rejection reason, and the mutations reach past the checksums
/// and the parser into the checks behind them.
/// </summary>
public sealed class FuzzCampaignTests(ITestOutputHelper output)
{
    private static readonly FuzzCampaignOptions Short = new() { MaxInputs = 20_000, Duration = TimeSpan.FromSeconds(20), InputTimeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public void VrrpPacketCampaignCountsEveryInputAndNothingCrashes()
    {
        var target = FuzzTargets.Find("vrrp-packet")!;
        var result = FuzzCampaign.Run(target, Seeds.For(target), Short);
        output.WriteLine(result.Summary());

        Assert.True(result.Passed, result.Summary());
        Assert.Equal(result.Executions, result.Accepted + result.Rejected);
        Assert.True(result.Accepted > 0, "some mutated packets are still accepted");
        // The repair flags let mutations through the checksums to the per-instance checks.
        Assert.Subset(result.Outcomes.Keys.ToHashSet(), new HashSet<string> { "Checksum", "Length", "AuthMismatch", "IntervalMismatch", "UnknownVirtualRouter" });
    }

    [Fact]
    public void KeepalivedConfCampaignCountsEveryInputAndNothingCrashes()
    {
        var target = FuzzTargets.Find("keepalived-conf")!;
        var result = FuzzCampaign.Run(target, Seeds.For(target), Short with { MaxInputs = 3_000 });
        output.WriteLine(result.Summary());

        Assert.True(result.Passed, result.Summary());
        Assert.Equal(result.Executions, result.Accepted + result.Rejected);
        Assert.True(result.Accepted > 0, "some mutated files still convert");
        Assert.Contains("'{' is never closed (the file ends first)", result.Outcomes.Keys);
        Assert.True(result.Outcomes.Count > 15, $"only {result.Outcomes.Count} outcomes: the mutations stay shallow");
    }

    [Fact]
    public void NetlinkReplyCampaignCountsEveryInputAndNothingCrashes()
    {
        var result = RunShort("netlink-reply");
        // Mutations reach each reader's rejections.
        Assert.Subset(result.Outcomes.Keys.ToHashSet(), new HashSet<string> { "BadLink", "BadAddress", "Truncated" });
    }

    [Fact]
    public void IpvsMessageCampaignCountsEveryInputAndNothingCrashes()
    {
        var result = RunShort("ipvs-message");
        Assert.Contains("Not a well-formed generic netlink message.", result.Outcomes.Keys);
        Assert.True(result.Outcomes.Count > 8, $"only {result.Outcomes.Count} outcomes: the mutations stay shallow");
    }

    [Fact]
    public void ApiJsonCampaignCountsEveryInputAndNothingCrashes()
    {
        var result = RunShort("api-json");
        Assert.Contains("JsonException", result.Outcomes.Keys);
        // Mutations that still parse reach the validators of both kinds.
        Assert.Contains(result.Outcomes.Keys, o => o.StartsWith("Invalid spec.", StringComparison.Ordinal));
    }

    /// <summary>A campaign of a few seconds on a target's seeds, which must pass and count every input.</summary>
    private FuzzCampaignResult RunShort(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var result = FuzzCampaign.Run(target, Seeds.For(target), Short with { MaxInputs = 5_000, Duration = TimeSpan.FromSeconds(8) });
        output.WriteLine(result.Summary());
        Assert.True(result.Passed, result.Summary());
        Assert.Equal(result.Executions, result.Accepted + result.Rejected);
        Assert.True(result.Accepted > 0, "some mutated inputs are still accepted");
        return result;
    }

    [Fact]
    public void TheSameRandomSeedReplaysTheSameCampaign()
    {
        var target = FuzzTargets.Find("keepalived-conf")!;
        var options = Short with { MaxInputs = 500, RandomSeed = 7 };
        var first = FuzzCampaign.Run(target, Seeds.For(target), options);
        var second = FuzzCampaign.Run(target, Seeds.For(target), options);

        Assert.Equal(500, first.Executions);
        Assert.Equal(first.Outcomes, second.Outcomes);
    }

    [Fact]
    public void APlantedCrashIsFoundCountedAndReproduces()
    {
        var target = new PlantedBugTarget(hang: false);
        var result = FuzzCampaign.Run(target, [[.. "some text"u8]], Short with { MaxCrashes = 3 });

        Assert.False(result.Passed);
        Assert.Equal(3, result.Crashes.Count);
        Assert.Contains(nameof(IndexOutOfRangeException), result.Crashes[0].Error, StringComparison.Ordinal);
        Assert.Equal(result.Executions, result.Accepted + result.Rejected + result.Crashes.Count);
        var replay = FuzzCampaign.Replay(target, result.Crashes.Select(c => c.Input), Short);
        Assert.Equal(3, replay.Crashes.Count);
    }

    [Fact]
    public void APlantedHangIsReportedAndEndsTheCampaign()
    {
        var target = new PlantedBugTarget(hang: true);
        var result = FuzzCampaign.Run(target, [[.. "some text"u8]], Short with { InputTimeout = TimeSpan.FromMilliseconds(200), WarmUpTimeout = TimeSpan.FromMilliseconds(200) });

        Assert.False(result.Passed);
        Assert.NotNull(result.Hang);
        Assert.Contains((byte)0xff, result.Hang.Input);
        Assert.True(result.Elapsed < PlantedBugTarget.HangFor, $"the campaign waited {result.Elapsed} for the hung input");
    }

    /// <summary>Rejects input without a 0xff byte; with one it throws, or (hang) sleeps far past any input timeout.</summary>
    private sealed class PlantedBugTarget(bool hang) : IFuzzTarget
    {
        public static readonly TimeSpan HangFor = TimeSpan.FromSeconds(5);

        public string Name => "planted";

        public IReadOnlyList<byte[]> Dictionary => [];

        public IEnumerable<byte[]> SeedsFrom(string path) => [];

        public string Run(ReadOnlySpan<byte> input)
        {
            if (!input.Contains((byte)0xff))
            {
                return input.Length % 2 == 0 ? FuzzOutcome.Accepted : "Odd";
            }

            if (hang)
            {
                Thread.Sleep(HangFor);
            }

            var table = new int[1];
            return table[input.Length + 1].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
