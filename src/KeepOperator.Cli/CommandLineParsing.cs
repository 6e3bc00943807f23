using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using KeepOperator.Api.Logging;
using KeepOperator.Api.Metrics;

namespace KeepOperator.Cli;

/// <summary>
/// What a command line asks for: <see cref="Options"/> to run with, or text to print and an exit code instead (help on
/// stdout with 0, usage errors on stderr with <see cref="CommandLineParsing.UsageExitCode"/>). Pure, so tests check
/// parsing without running a program.
/// </summary>
public sealed record CommandLineResult<T>(T? Options, int ExitCode, string Output, string Error)
    where T : class
{
    /// <summary>Prints what the parse produced; false when the program should exit with <see cref="ExitCode"/>.</summary>
    public bool TryGetOptions(TextWriter stdout, TextWriter stderr, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? options)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        stdout.Write(Output);
        stderr.Write(Error);
        options = Options;
        return options is not null;
    }
}

/// <summary>
/// The executables' shared System.CommandLine plumbing, so every one reports help and usage errors alike; the agent's
/// own parser (src/NodeAgent/Hosting/CommandLineSyntax.cs) words them the same way.
/// </summary>
public static class CommandLineParsing
{
    /// <summary>Bad usage (unknown option, bad value, missing argument), as the hand-rolled parsers returned before.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/>; <paramref name="bind"/> builds the options of a clean parse.</summary>
    public static CommandLineResult<T> Parse<T>(RootCommand root, IReadOnlyList<string> args, Func<ParseResult, T> bind)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(bind);
        // Arguments are taken literally: no @response files and no [directives], which the hand-rolled parsers never had.
        root.Directives.Clear();
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // Named as the executable even under another host (tests run in testhost).
        var name = root.HelpName ?? root.Name;
        if (result.Action is HelpAction)
        {
            var help = new StringWriter { NewLine = "\n" };
            result.Invoke(new InvocationConfiguration { Output = help, Error = help });
            return new CommandLineResult<T>(null, 0, help.ToString(), "");
        }

        if (result.Errors.Count > 0)
        {
            var error = string.Concat(result.Errors.Select(e => $"{name}: {e.Message}\n"));
            return new CommandLineResult<T>(null, UsageExitCode, "", $"{error}see '{name} --help' for usage\n");
        }

        return new CommandLineResult<T>(bind(result), 0, "", "");
    }

    /// <summary>A root command named as the executable whatever process hosts it (tests run under testhost), with -h as before.</summary>
    public static RootCommand Root(string name, string description)
    {
        var root = new RootCommand(description);
        // -h and --help as before; no --version, which none of them had.
        foreach (var option in root.Options.Where(o => o is HelpOption or VersionOption).ToList())
        {
            root.Options.Remove(option);
        }

        root.Options.Add(new HelpOption("--help", "-h"));
        root.HelpName = name;
        return root;
    }

    /// <summary>Whether <paramref name="option"/> is on the command line (a default value alone does not count).</summary>
    public static bool Has(this SymbolResult result, Option option)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.GetResult(option) is { Implicit: false };
    }

    /// <summary>A parser for an option value: true and the value, or false (the option then reports "--name: EXPECTED, got "VALUE"").</summary>
    public delegate bool TryParse<TValue>(string text, out TValue value);

    /// <summary>An option whose value <paramref name="tryParse"/> turns into <typeparamref name="TValue"/>; the last of repeated ones wins, as before.</summary>
    public static Option<TValue> Typed<TValue>(string name, string helpName, string description, string expected, TryParse<TValue> tryParse, TValue defaultValue)
    {
        ArgumentNullException.ThrowIfNull(tryParse);
        return new Option<TValue>(name)
        {
            HelpName = helpName,
            Description = description,
            // No factory for a null default: a required option would count as given, and absent is null anyway.
            DefaultValueFactory = defaultValue is null ? null : _ => defaultValue,
            // One value per occurrence, and several occurrences: the last wins, as with the hand-rolled parsers.
            Arity = ArgumentArity.OneOrMore,
            CustomParser = result =>
            {
                var text = result.Tokens[^1].Value;
                if (tryParse(text, out var value))
                {
                    return value;
                }

                result.AddError($"{name}: {expected}, got \"{text}\"");
                return defaultValue;
            },
        };
    }

    /// <summary>An integer option within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Integer(string name, string description, int defaultValue, int min = int.MinValue, int max = int.MaxValue, NumberStyles styles = NumberStyles.Integer)
    {
        var expected = (min, max) == (int.MinValue, int.MaxValue)
            ? "must be an integer"
            : string.Create(CultureInfo.InvariantCulture, $"must be a number from {min} to {max}");
        return Typed(name, "N", description, expected,
            (string text, out int value) => int.TryParse(text, styles, CultureInfo.InvariantCulture, out value) && value >= min && value <= max,
            defaultValue);
    }

    /// <summary>A string option; repeated, the last wins as with the hand-rolled parsers.</summary>
    public static Option<string?> Text(string name, string helpName, string description, string? defaultValue = null) =>
        Typed(name, helpName, description, "", (string text, out string? value) => (value = text) is not null, defaultValue);

    /// <summary>--log-format, shared by the agent and the operator.</summary>
    public static Option<LogFormat> LogFormatOption(LogFormat defaultValue = LogFormat.Logfmt) =>
        Typed<LogFormat>("--log-format", "logfmt|json", "logfmt or json: one line per event on stdout", "logfmt or json",
            StructuredLog.TryParseFormat, defaultValue);

    /// <summary>An address to serve HTTP on (--metrics-address, --health-address); "off" is a null <see cref="Setting{T}.Value"/>.</summary>
    public static Option<Setting<MetricsAddress?>> Address(string name, string description, MetricsAddress? defaultValue) =>
        Typed(name, "IP:PORT|:PORT|off", $"{description}: {MetricsAddress.Syntax}", MetricsAddress.Syntax,
            (string text, out Setting<MetricsAddress?> value) =>
            {
                var ok = MetricsAddress.TryParse(text, out var address);
                value = new Setting<MetricsAddress?>(address);
                return ok;
            },
            new Setting<MetricsAddress?>(defaultValue));
}

/// <summary>
/// A value that may be null ("off"): System.CommandLine takes a custom parser's null for a missing value, so null
/// travels inside this.
/// </summary>
public readonly record struct Setting<T>(T Value)
{
    public override string ToString() => Value?.ToString() ?? MetricsAddress.Off;
}
