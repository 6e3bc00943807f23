using Xunit;

namespace KeepOperator.Api.Tests;

public class HttpStatusRangesTests
{
    [Fact]
    public void Default_is_2xx()
    {
        Assert.True(HttpStatusRanges.Default.Contains(200));
        Assert.True(HttpStatusRanges.Default.Contains(299));
        Assert.False(HttpStatusRanges.Default.Contains(300));
        Assert.False(HttpStatusRanges.Default.Contains(199));
        Assert.Equal("200-299", HttpStatusRanges.Default.ToString());
    }

    [Fact]
    public void Parses_codes_and_ranges()
    {
        var ranges = HttpStatusRanges.Parse(" 200-204, 301 ,302");
        Assert.True(ranges.Contains(204));
        Assert.False(ranges.Contains(205));
        Assert.True(ranges.Contains(301));
        Assert.True(ranges.Contains(302));
        Assert.Equal("200-204,301,302", ranges.ToString());
        Assert.Equal(ranges, HttpStatusRanges.Parse("200-204,301,302"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("200-")]
    [InlineData("299-200")]
    [InlineData("99")]
    [InlineData("600")]
    [InlineData("200,,201")]
    public void Refuses_garbage(string text)
    {
        Assert.False(HttpStatusRanges.TryParse(text, out _, out var error));
        Assert.NotEmpty(error);
    }
}
