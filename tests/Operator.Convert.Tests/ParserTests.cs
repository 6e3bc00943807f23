using Xunit;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>keepalived's lexer rules: comments, quotes, attached braces, includes, and errors that name the line.</summary>
public class ParserTests
{
    private static (IReadOnlyList<ConfigNode> Nodes, Diagnostics Diagnostics) Parse(string text, Dictionary<string, string>? files = null)
    {
        var diagnostics = new Diagnostics();
        var nodes = KeepalivedParser.ParseText(text, "/etc/keepalived/k.conf", new InMemoryConfigFiles(files ?? []), diagnostics);
        return (nodes, diagnostics);
    }

    private static string Errors(Diagnostics diagnostics) =>
        string.Join("\n", diagnostics.All.Where(d => d.Severity == DiagnosticSeverity.Error));

    [Theory]
    [InlineData("auth_pass lll  ## note", "lll")]
    [InlineData("auth_pass lll! note", "lll")]
    [InlineData("auth_pass lll#note", "lll")]
    [InlineData("auth_pass \\#lll\\!", "#lll!")]
    [InlineData("auth_pass \"a#b!c\" # a comment", "a#b!c")]
    [InlineData("auth_pass \"two words\"", "two words")]
    [InlineData("\tauth_pass\tlll\r", "lll")]
    public void ReadsWordsAsKeepalivedDoes(string line, string expected)
    {
        var (nodes, diagnostics) = Parse(line);
        var node = Assert.Single(nodes);
        Assert.Equal("auth_pass", node.Keyword);
        Assert.Equal([expected], node.Args);
        Assert.Empty(diagnostics.All);
    }

    [Theory]
    [InlineData(null, "a d e")]
    [InlineData("high", "a b d e")]
    [InlineData("low", "a c d x y")]
    public void KeepsAConditionalLineOnItsHostAndDropsItsBlockElsewhere(string? configId, string expected)
    {
        const string Text = "a\n@high b\n@low c\nd\n@^low e\n@low x {\n y\n @high z {\n }\n}\n";
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var nodes = KeepalivedParser.ParseFile("k.conf", new InMemoryConfigFiles(new() { ["k.conf"] = Text }), new Diagnostics(), configId, names);
        Assert.Equal(expected, string.Join(' ', nodes!.SelectMany(n => new[] { n }.Concat(n.Block)).Select(n => n.Keyword)));
        Assert.Equal(["high", "low"], names);
    }

    /// <summary>Found by tools/fuzz.sh: a NUL in an include pattern made Path.GetFullPath throw out of the converter.</summary>
    [Theory]
    [InlineData("include /etc/keepalived/a\0b.conf", "include", "/etc/keepalived/a")]
    [InlineData("auth_pass ab\0cd", "auth_pass", "ab")]
    public void ANulCharacterEndsTheLineWithAWarning(string line, string keyword, string word)
    {
        var (nodes, diagnostics) = Parse(line);
        if (keyword == "include")
        {
            Assert.Empty(nodes);
            Assert.Contains(diagnostics.All, d => d.Message == "include /etc/keepalived/a: no file matches");
        }
        else
        {
            Assert.Equal([word], Assert.Single(nodes).Args);
        }

        Assert.Contains(diagnostics.All, d => d.Severity == DiagnosticSeverity.Warning && d.Message.StartsWith("a NUL character ends the line", StringComparison.Ordinal));
        Assert.Empty(Errors(diagnostics));
    }

    [Fact]
    public void ANulCharacterEndsTheLineInsideQuotesToo()
    {
        var (_, diagnostics) = Parse("auth_pass \"ab\0cd\"");
        Assert.Contains("unterminated quoted string", Errors(diagnostics), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("! only a comment\n# another\n   \n")]
    [InlineData("#global_defs {\n! }\n")]
    public void CommentLinesAreNothing(string text)
    {
        var (nodes, diagnostics) = Parse(text);
        Assert.Empty(nodes);
        Assert.Empty(diagnostics.All);
    }

    [Theory]
    [InlineData("vrrp_instance VI_1{\nvirtual_ipaddress {10.0.0.1}\n}")]
    [InlineData("vrrp_instance VI_1\n{\n  virtual_ipaddress\n  {\n    10.0.0.1\n  }\n}")]
    [InlineData("vrrp_instance VI_1 { virtual_ipaddress { 10.0.0.1 } }")]
    [InlineData("vrrp_instance \"VI_1\" {  # { not a brace\n virtual_ipaddress { 10.0.0.1 ## } neither\n}}")]
    public void BracesMayBeAttachedOrOnTheirOwnLines(string text)
    {
        var (nodes, diagnostics) = Parse(text);
        Assert.Empty(diagnostics.All);
        var instance = Assert.Single(nodes);
        Assert.Equal(("vrrp_instance", "VI_1"), (instance.Keyword, Assert.Single(instance.Args)));
        var addresses = Assert.Single(instance.Block);
        Assert.Equal("virtual_ipaddress", addresses.Keyword);
        Assert.Equal("10.0.0.1", Assert.Single(addresses.Block).Keyword);
    }

    [Fact]
    public void AStatementMayFollowAClosingBraceOnItsLine()
    {
        var (nodes, diagnostics) = Parse("a { b } c\nd");
        Assert.Empty(diagnostics.All);
        Assert.Equal(["a", "c", "d"], nodes.Select(n => n.Keyword));
        Assert.Equal([1, 1, 2], nodes.Select(n => n.Location.Line));
    }

    [Fact]
    public void AnExtraClosingBraceNamesItsLine()
    {
        var (_, diagnostics) = Parse("a {\n}\n}\n");
        Assert.Equal("/etc/keepalived/k.conf:3: error: '}' without a matching '{'", Errors(diagnostics));
    }

    [Fact]
    public void AnUnclosedBlockNamesTheLineOfItsBrace()
    {
        var (_, diagnostics) = Parse("a {\n}\nvrrp_instance X {\n  b {\n  }\n");
        Assert.Equal("/etc/keepalived/k.conf:3: error: '{' is never closed (the file ends first)", Errors(diagnostics));
    }

    [Fact]
    public void ABraceWithoutAKeywordIsAnError()
    {
        var (_, diagnostics) = Parse("\n{ a }\n");
        Assert.Equal("/etc/keepalived/k.conf:2: error: '{' without a keyword before it", Errors(diagnostics));
    }

    [Fact]
    public void AnUnterminatedQuoteIsAnError()
    {
        var (_, diagnostics) = Parse("script \"/bin/true\nx y\n");
        Assert.Equal("/etc/keepalived/k.conf:1: error: unterminated quoted string (a '\"' without its closing '\"')", Errors(diagnostics));
    }

    [Fact]
    public void DeepNestingIsRefusedWithoutRecursingIntoIt()
    {
        var depth = 100_000;
        var text = string.Concat(Enumerable.Repeat("a {\n", depth)) + string.Concat(Enumerable.Repeat("}\n", depth)) + "after\n";
        var (nodes, diagnostics) = Parse(text);
        Assert.Equal($"/etc/keepalived/k.conf:{KeepalivedParser.MaxNesting + 1}: error: blocks nested more than {KeepalivedParser.MaxNesting} deep", Errors(diagnostics));
        Assert.Equal("after", nodes[^1].Keyword);
    }

    [Fact]
    public void IncludesAreSplicedInPlaceRelativeToTheIncludingFileInGlobOrder()
    {
        var files = new Dictionary<string, string>
        {
            ["/etc/keepalived/conf.d/20-b.conf"] = "b 2\n",
            ["/etc/keepalived/conf.d/10-a.conf"] = "a 1\ninclude ../inc/c.conf\n",
            ["/etc/keepalived/inc/c.conf"] = "c 3\n",
        };
        var (nodes, diagnostics) = Parse("global_defs {\n  include conf.d/*.conf\n}\nlast\n", files);
        Assert.Empty(diagnostics.All);
        Assert.Equal(["global_defs", "last"], nodes.Select(n => n.Keyword));
        var included = nodes[0].Block;
        Assert.Equal(["a", "c", "b"], included.Select(n => n.Keyword));
        Assert.Equal(new SourceLocation("/etc/keepalived/inc/c.conf", 1), included[1].Location);
    }

    [Fact]
    public void AnIncludeMatchingNothingIsAWarning()
    {
        var (_, diagnostics) = Parse("x\ninclude /nowhere/*.conf\n");
        var warning = Assert.Single(diagnostics.All);
        Assert.Equal("/etc/keepalived/k.conf:2: warning: include /nowhere/*.conf: no file matches", warning.ToString());
    }

    [Fact]
    public void AnIncludeCycleIsAnError()
    {
        var files = new Dictionary<string, string>
        {
            ["/etc/keepalived/k.conf"] = "include other.conf\n",
            ["/etc/keepalived/other.conf"] = "x\ninclude k.conf\n",
        };
        var diagnostics = new Diagnostics();
        KeepalivedParser.ParseFile("/etc/keepalived/k.conf", new InMemoryConfigFiles(files), diagnostics);
        Assert.StartsWith("/etc/keepalived/other.conf:2: error: include k.conf: /etc/keepalived/k.conf includes itself", Errors(diagnostics), StringComparison.Ordinal);
    }

    [Fact]
    public void GlobOnDiskMatchesFilesInOrderAndSkipsDotFiles()
    {
        var directory = Directory.CreateTempSubdirectory("h13-glob-");
        try
        {
            foreach (var name in new[] { "b.conf", "a.conf", ".hidden.conf", "c.txt" })
            {
                File.WriteAllText(Path.Combine(directory.FullName, name), "");
            }

            Directory.CreateDirectory(Path.Combine(directory.FullName, "d.conf"));
            var matches = PhysicalConfigFileSource.Instance.Glob(Path.Combine(directory.FullName, "*.conf"));
            Assert.Equal(["a.conf", "b.conf"], matches.Select(Path.GetFileName));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
