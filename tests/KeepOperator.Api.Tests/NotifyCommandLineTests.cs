using Xunit;

namespace KeepOperator.Api.Tests;

public sealed class NotifyCommandLineTests
{
    [Theory]
    [InlineData("/bin/up", new[] { "/bin/up" })]
    [InlineData("  /bin/up   a\tb  ", new[] { "/bin/up", "a", "b" })]
    [InlineData("/bin/up 'a b' \"c d\"", new[] { "/bin/up", "a b", "c d" })]
    [InlineData("/bin/up a\"b c\"d", new[] { "/bin/up", "ab cd" })]
    [InlineData("/bin/up '' x", new[] { "/bin/up", "", "x" })]
    [InlineData("/bin/up 'it\"s' \"say \\\"hi\\\"\"", new[] { "/bin/up", "it\"s", "say \"hi\"" })]
    [InlineData("/bin/up a\\ b '$HOME'", new[] { "/bin/up", "a b", "$HOME" })]
    [InlineData("", new string[0])]
    public void Splits_on_whitespace_keeping_quoted_words(string line, string[] expected)
    {
        Assert.True(NotifyCommandLine.TrySplit(line, out var argv, out _));
        Assert.Equal(expected, argv);
    }

    [Theory]
    [InlineData("/bin/up 'a", "single")]
    [InlineData("/bin/up \"a", "double")]
    public void An_unterminated_quote_is_an_error(string line, string kind)
    {
        Assert.False(NotifyCommandLine.TrySplit(line, out _, out var error));
        Assert.Contains(kind, error, StringComparison.Ordinal);
    }
}
