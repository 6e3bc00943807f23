using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Pools;
using Xunit;

namespace KeepOperator.Api.Tests.Pools;

public sealed class AddressRangeTests
{
    [Theory]
    [InlineData("192.0.2.0/28", "192.0.2.0", "192.0.2.15", "16")]
    [InlineData("192.0.2.10-192.0.2.20", "192.0.2.10", "192.0.2.20", "11")]
    [InlineData(" 192.0.2.7 ", "192.0.2.7", "192.0.2.7", "1")]
    [InlineData("192.0.2.7/32", "192.0.2.7", "192.0.2.7", "1")]
    [InlineData("2001:db8::/64", "2001:db8::", "2001:db8::ffff:ffff:ffff:ffff", "18446744073709551616")]
    [InlineData("2001:db8::10 - 2001:db8::1f", "2001:db8::10", "2001:db8::1f", "16")]
    [InlineData("0.0.0.0/0", "0.0.0.0", "255.255.255.255", "4294967296")]
    public void Parses_cidrs_ranges_and_single_addresses(string text, string first, string last, string count)
    {
        Assert.True(AddressRange.TryParse(text, out var range, out var error), error);
        Assert.Equal(IPAddress.Parse(first), range.Start);
        Assert.Equal(IPAddress.Parse(last), range.End);
        Assert.Equal(UInt128.Parse(count), range.Count);
    }

    [Theory]
    [InlineData("", "an empty entry")]
    [InlineData("192.0.2.1/24", "host bits set: the network is 192.0.2.0/24")]
    [InlineData("192.0.2.20-192.0.2.10", "ends before it starts")]
    [InlineData("192.0.2.1-2001:db8::1", "mixes IPv4 and IPv6")]
    [InlineData("192.0.2", "neither an address, a CIDR nor a range")]
    [InlineData("192.0.2.1-", "not a range of two addresses")]
    [InlineData("192.0.2.0/33", "neither an address, a CIDR nor a range")]
    public void Refuses_what_is_no_range_naming_why(string text, string expected)
    {
        Assert.False(AddressRange.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Contains_and_overlaps_respect_the_family_and_both_ends()
    {
        Assert.True(AddressRange.TryParse("192.0.2.8/29", out var a, out _));
        Assert.True(AddressRange.TryParse("192.0.2.15-192.0.2.20", out var b, out _));
        Assert.True(AddressRange.TryParse("192.0.2.16/28", out var c, out _));
        Assert.True(AddressRange.TryParse("::ffff:192.0.2.8/125", out var mapped, out _));

        Assert.True(a.Overlaps(b));
        Assert.True(b.Overlaps(a));
        Assert.False(a.Overlaps(c));
        Assert.False(a.Overlaps(mapped));
        Assert.True(a.Contains(IPAddress.Parse("192.0.2.15")));
        Assert.False(a.Contains(IPAddress.Parse("192.0.2.16")));
        Assert.Equal(AddressFamily.InterNetworkV6, mapped.Family);
    }

    [Fact]
    public void Numbers_and_addresses_convert_both_ways()
    {
        var random = new Random(7);
        for (int i = 0; i < 1000; i++)
        {
            var bytes = new byte[i % 2 == 0 ? 4 : 16];
            random.NextBytes(bytes);
            var address = new IPAddress(bytes);
            Assert.Equal(address, AddressRange.ToAddress(address.AddressFamily, AddressRange.ToNumber(address)));
        }
    }
}
