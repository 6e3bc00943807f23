using System.Net;
using KeepOperator.Api.Metrics;
using Xunit;

namespace KeepOperator.Api.Tests.Metrics;

public sealed class MetricsAddressTests
{
    [Theory]
    [InlineData(":9650", null, 9650, "+")]
    [InlineData("127.0.0.1:9650", "127.0.0.1", 9650, "127.0.0.1")]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1, "0.0.0.0")]
    [InlineData("[::1]:65535", "::1", 65535, "[::1]")]
    [InlineData("[fd77:8::1]:9650", "fd77:8::1", 9650, "[fd77:8::1]")]
    public void Parses_the_spellings_the_flag_takes(string text, string? address, int port, string listenerHost)
    {
        Assert.True(MetricsAddress.TryParse(text, out var parsed));

        Assert.Equal(address is null ? null : IPAddress.Parse(address), parsed!.Address);
        Assert.Equal(port, parsed.Port);
        Assert.Equal(listenerHost, parsed.ListenerHost);
        Assert.Equal(text, parsed.ToString());
    }

    [Fact]
    public void Off_is_no_address()
    {
        Assert.True(MetricsAddress.TryParse("off", out var parsed));
        Assert.Null(parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("9650")]
    [InlineData(":")]
    [InlineData(":0")]
    [InlineData(":65536")]
    [InlineData(": 80")]
    [InlineData(":+80")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("::1")]
    [InlineData("localhost:9650")]
    [InlineData("OFF")]
    public void Refuses_anything_else(string text) => Assert.False(MetricsAddress.TryParse(text, out _));
}
