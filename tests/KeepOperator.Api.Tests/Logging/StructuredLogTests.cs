using System.Text.Json;
using KeepOperator.Api.Logging;
using Xunit;

namespace KeepOperator.Api.Tests.Logging;

public sealed class StructuredLogTests
{
    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 11, 24, 12, 0, 0, 5, TimeSpan.Zero);
    }

    private static string Write(LogFormat format)
    {
        var output = new StringWriter();
        new StructuredLog(output, new FixedTime(), format).Info("transition", ("instance", "web"), ("reason", "master down \"timer\""), ("priority", 100));
        return output.ToString().TrimEnd('\n');
    }

    [Fact]
    public void Logfmt_quotes_values_with_spaces_and_quotes()
    {
        Assert.Equal("ts=2026-11-24T12:00:00.005Z level=info event=transition instance=web reason=\"master down \\\"timer\\\"\" priority=100", Write(LogFormat.Logfmt));
    }

    [Fact]
    public void Json_writes_one_object_per_line_with_the_same_fields()
    {
        using var line = JsonDocument.Parse(Write(LogFormat.Json));
        var root = line.RootElement;
        Assert.Equal("2026-11-24T12:00:00.005Z", root.GetProperty("ts").GetString());
        Assert.Equal("transition", root.GetProperty("event").GetString());
        Assert.Equal("master down \"timer\"", root.GetProperty("reason").GetString());
        Assert.Equal("100", root.GetProperty("priority").GetString());
    }

    [Theory]
    [InlineData("json", LogFormat.Json)]
    [InlineData("logfmt", LogFormat.Logfmt)]
    [InlineData("JSON", LogFormat.Json)]
    public void Parses_the_log_format_flag(string text, LogFormat expected)
    {
        Assert.True(StructuredLog.TryParseFormat(text, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData("yaml")]
    [InlineData("7")]
    public void Refuses_other_formats(string text) => Assert.False(StructuredLog.TryParseFormat(text, out _));
}
