using KeepOperator.NodeAgent.Hosting;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>The agent's own command-line parser, on a syntax of its own.</summary>
public sealed class CommandLineSyntaxTests
{
    private static (CommandLineSyntax Syntax, CommandLineOption Name, CommandLineOption Count, CommandLineOption Verbose) Tool()
    {
        var syntax = new CommandLineSyntax("tool", "tool does things.\nSecond line.");
        return (syntax, syntax.Value("--name", "NAME", "a name"), syntax.Value("--count", "N", "how many", "3"), syntax.Flag("--verbose", "say more"));
    }

    private static bool TryCount(string text, out int count) => int.TryParse(text, out count) && count > 0;

    [Fact]
    public void An_empty_line_has_nothing_and_takes_the_defaults()
    {
        var (syntax, name, count, verbose) = Tool();
        var parsed = syntax.Parse([]);
        Assert.False(parsed.Has(name) || parsed.Has(count) || parsed.Has(verbose) || parsed.HelpRequested);
        Assert.Null(parsed.Text(name));
        Assert.Equal("fallback", parsed.Text(name, "fallback"));
        Assert.Equal(3, parsed.Get(count, "a positive number", TryCount, 3));
        Assert.Empty(parsed.Errors);
        Assert.Equal(new CommandLineResult<string>("ok", 0, "", ""), parsed.Result("ok"));
    }

    [Theory]
    [InlineData("--name", "a", "--count", "7")]
    [InlineData("--name=a", "--count=7")]
    [InlineData("--name:a", "--count:7")]
    [InlineData("--name", "z", "--count", "1", "--verbose", "--name", "a", "--count=7")]
    public void Values_in_every_spelling_the_last_wins(params string[] args)
    {
        var (syntax, name, count, _) = Tool();
        var parsed = syntax.Parse(args);
        Assert.Empty(parsed.Errors);
        Assert.Equal("a", parsed.Text(name));
        Assert.Equal(7, parsed.Get(count, "a positive number", TryCount, 3));
    }

    [Fact]
    public void A_value_may_hold_separators_and_start_with_a_dash()
    {
        var (syntax, name, _, _) = Tool();
        Assert.Equal("x=y:z", syntax.Parse(["--name=x=y:z"]).Text(name));
        Assert.Equal("", syntax.Parse(["--name="]).Text(name));
        Assert.Equal("-5", syntax.Parse(["--name", "-5"]).Text(name));
        Assert.Equal("--unknown", syntax.Parse(["--name", "--unknown"]).Text(name));
    }

    [Theory]
    [InlineData("Required argument missing for option: '--name'.", "--name")]
    [InlineData("Required argument missing for option: '--name'.", "--name", "--verbose")]
    [InlineData("Required argument missing for option: '--name'.", "--name", "--")]
    [InlineData("Unrecognized command or argument 'extra'.", "extra")]
    [InlineData("Unrecognized command or argument '--Name'.", "--Name")]
    [InlineData("Unrecognized command or argument '--verbose=true'.", "--verbose=true")]
    [InlineData("Unrecognized command or argument '-n'.", "-n")]
    [InlineData("Unrecognized command or argument '--name'.", "--", "--name")]
    [InlineData("--count: a positive number, got \"0\"", "--count", "0")]
    public void Usage_errors_name_the_token(string message, params string[] args)
    {
        var (syntax, _, count, _) = Tool();
        var parsed = syntax.Parse(args);
        parsed.Get(count, "a positive number", TryCount, 3);
        Assert.Equal(message, Assert.Single(parsed.Errors));
        var result = parsed.Result("unused");
        Assert.Equal(new CommandLineResult<string>(null, ParsedCommandLine.UsageExitCode, "", $"tool: {message}\nsee 'tool --help' for usage\n"), result);
        Assert.Equal(2, ParsedCommandLine.UsageExitCode);
    }

    [Fact]
    public void Flags_count_when_given_and_take_no_value()
    {
        var (syntax, _, _, verbose) = Tool();
        var parsed = syntax.Parse(["--verbose", "--verbose"]);
        Assert.True(parsed.Has(verbose));
        Assert.Null(parsed.Text(verbose));
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void Help_lists_every_option_aligned_with_its_default()
    {
        var (syntax, _, _, _) = Tool();
        var result = syntax.Parse(["--help"]).Result("unused");
        Assert.Equal(new CommandLineResult<string>(null, 0, """
            Description:
              tool does things.
              Second line.

            Usage:
              tool [options]

            Options:
              --name <NAME>  a name
              --count <N>    how many [default: 3]
              --verbose      say more
              -h, --help     Show help and usage information


            """.ReplaceLineEndings("\n"), ""), result);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Help_anywhere_wins_over_errors(string help)
    {
        var (syntax, _, count, _) = Tool();
        var parsed = syntax.Parse(["bogus", "--count", "x", help, "--name"]);
        parsed.Get(count, "a positive number", TryCount, 3);
        parsed.AddError("a check of the whole line");
        Assert.True(parsed.HelpRequested);
        var result = parsed.Result("unused");
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Options);
        Assert.Equal("", result.Error);
        Assert.StartsWith("Description:\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Printing_a_result_writes_both_streams()
    {
        var (syntax, name, _, _) = Tool();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Assert.False(syntax.Parse(["x"]).Result("unused").TryGetOptions(stdout, stderr, out _));
        Assert.Equal("", stdout.ToString());
        Assert.Equal("tool: Unrecognized command or argument 'x'.\nsee 'tool --help' for usage\n", stderr.ToString());
        Assert.True(syntax.Parse(["--name", "a"]).Result("run").TryGetOptions(stdout, stderr, out var options));
        Assert.Equal("run", options);
        Assert.Equal("a", syntax.Parse(["--name", "a"]).Text(name));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--")]
    [InlineData("--name")]
    [InlineData("--a=b")]
    public void Reserved_repeated_or_separated_names_are_refused(string optionName)
    {
        var (syntax, _, _, _) = Tool();
        Assert.Throws<ArgumentException>(() => syntax.Flag(optionName, "x"));
    }
}
