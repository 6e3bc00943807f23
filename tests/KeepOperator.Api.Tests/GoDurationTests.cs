using Xunit;

namespace KeepOperator.Api.Tests;

public class GoDurationTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("1s", 10_000_000L)]
    [InlineData("50ms", 500_000L)]
    [InlineData("1m30s", 900_000_000L)]
    [InlineData("1.5s", 15_000_000L)]
    [InlineData("40.95s", 409_500_000L)]
    [InlineData(".5s", 5_000_000L)]
    [InlineData("1.s", 10_000_000L)]
    [InlineData("+2h", 72_000_000_000L)]
    [InlineData("-1.5m", -900_000_000L)]
    [InlineData("1h2m3s4ms5us6ns", 37_230_040_050L)]
    [InlineData("3µs", 30L)]
    [InlineData("3μs", 30L)]
    [InlineData("250ns", 2L)]
    [InlineData("1.0000001s", 10_000_001L)]
    public void Parses_go_durations(string text, long ticks)
    {
        Assert.True(GoDuration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromTicks(ticks), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("s")]
    [InlineData(".s")]
    [InlineData("1x")]
    [InlineData("1 s")]
    [InlineData(" 1s")]
    [InlineData("1S")]
    [InlineData("-")]
    [InlineData("1s2")]
    [InlineData("1..5s")]
    [InlineData("3000000h")]
    [InlineData("99999999999999999999ns")]
    public void Refuses_what_go_refuses(string? text)
    {
        Assert.False(GoDuration.TryParse(text, out _));
    }

    [Fact]
    public void Parse_throws_a_format_exception_naming_the_text()
    {
        var e = Assert.Throws<FormatException>(() => GoDuration.Parse("soon"));
        Assert.Contains("\"soon\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(10_000_000L, "1s")]
    [InlineData(500_000L, "50ms")]
    [InlineData(15_000L, "1.5ms")]
    [InlineData(10L, "1µs")]
    [InlineData(1L, "100ns")]
    [InlineData(900_000_000L, "1m30s")]
    [InlineData(36_000_000_000L, "1h0m0s")]
    [InlineData(15_000_000L, "1.5s")]
    [InlineData(409_500_000L, "40.95s")]
    [InlineData(-15_000_000L, "-1.5s")]
    [InlineData(37_230_040_050L, "1h2m3.004005s")]
    public void Formats_like_go(long ticks, string expected)
    {
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(ticks)));
    }

    [Fact]
    public void Format_then_parse_round_trips()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var value = TimeSpan.FromTicks(random.NextInt64(-1_000_000_000_000_000, 1_000_000_000_000_000));
            Assert.True(GoDuration.TryParse(GoDuration.Format(value), out var parsed));
            Assert.Equal(value, parsed);
        }
    }
}
