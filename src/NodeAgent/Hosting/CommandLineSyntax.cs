using System.Text;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>An option of a <see cref="CommandLineSyntax"/>: a flag when <paramref name="HelpName"/> is null, else it takes one value.</summary>
/// <param name="Name">As typed, e.g. "--config".</param>
/// <param name="HelpName">The value's name in the help ("FILE"); null for a flag.</param>
/// <param name="DefaultText">The default the help shows; null: none shown.</param>
public sealed record CommandLineOption(string Name, string? HelpName, string Description, string? DefaultText)
{
    public bool TakesValue => HelpName is not null;
}

/// <summary>Parses an option's value: true and the value, or false (then "--name: EXPECTED, got "VALUE"").</summary>
public delegate bool TryParseValue<T>(string text, out T value);

/// <summary>
/// The agent's own command-line parser. System.CommandLine, which the other executables use, cost the NativeAOT agent
/// 0.65 MB of binary and 0.6 MiB of resident memory (bench/footprint.sh, master and backup alike: its rehydrated type
/// data, code and read-only data stay resident though it runs once), so the agent parses its few options here, with
/// System.CommandLine's syntax and wording so every executable reads alike: "--name VALUE", "--name=VALUE" or
/// "--name:VALUE"; the last of repeated options wins; -h or --help anywhere prints the help; a value option followed by
/// nothing or by another option is missing its value; "--" ends the options (what follows is unrecognized: the agent
/// takes no arguments).
/// </summary>
public sealed class CommandLineSyntax(string name, string description)
{
    private readonly List<CommandLineOption> options = [];

    /// <summary>The executable's name, which starts every error line.</summary>
    public string Name => name;

    /// <summary>An option taking one value, shown as "--name &lt;HELPNAME&gt;".</summary>
    public CommandLineOption Value(string optionName, string helpName, string optionDescription, string? defaultText = null) =>
        Add(new CommandLineOption(optionName, helpName, optionDescription, defaultText));

    /// <summary>An option without a value.</summary>
    public CommandLineOption Flag(string optionName, string optionDescription) =>
        Add(new CommandLineOption(optionName, null, optionDescription, null));

    private CommandLineOption Add(CommandLineOption option)
    {
        if (option.Name is "-h" or "--help" or "--" || Find(option.Name) is not null || option.Name.IndexOfAny(ValueSeparators) >= 0)
        {
            throw new ArgumentException($"option {option.Name} is reserved, repeated or holds a value separator", nameof(option));
        }

        options.Add(option);
        return option;
    }

    private static readonly char[] ValueSeparators = ['=', ':'];

    /// <summary>Reads <paramref name="args"/>; values are checked when taken from the result (<see cref="ParsedCommandLine.Get"/>).</summary>
    public ParsedCommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = new ParsedCommandLine(this);
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (token is "-h" or "--help")
            {
                parsed.HelpRequested = true;
            }
            else if (token == "--")
            {
                while (++i < args.Count)
                {
                    parsed.AddError(Unrecognized(args[i]));
                }
            }
            else if (Find(token) is { } option)
            {
                if (!option.TakesValue)
                {
                    parsed.Set(option, null);
                }
                else if (i + 1 < args.Count && !IsOption(args[i + 1]))
                {
                    parsed.Set(option, args[++i]);
                }
                else
                {
                    parsed.AddError($"Required argument missing for option: '{option.Name}'.");
                }
            }
            else if (token.IndexOfAny(ValueSeparators) is > 0 and var separator && Find(token[..separator]) is { TakesValue: true } valued)
            {
                parsed.Set(valued, token[(separator + 1)..]);
            }
            else
            {
                parsed.AddError(Unrecognized(token));
            }
        }

        return parsed;
    }

    private static string Unrecognized(string token) => $"Unrecognized command or argument '{token}'.";

    private CommandLineOption? Find(string token) => options.Find(o => o.Name == token);

    private bool IsOption(string token) => token is "-h" or "--help" or "--" || Find(token) is not null;

    /// <summary>The --help text: description, usage and one aligned line per option, as System.CommandLine lays it out.</summary>
    public string Help()
    {
        var rows = options
            .Select(o => (Syntax: o.TakesValue ? $"{o.Name} <{o.HelpName}>" : o.Name,
                Text: o.DefaultText is null ? o.Description : $"{o.Description} [default: {o.DefaultText}]"))
            .Append((Syntax: "-h, --help", Text: "Show help and usage information"))
            .ToList();
        var width = rows.Max(r => r.Syntax.Length) + 2;
        var help = new StringBuilder();
        help.Append("Description:\n");
        foreach (var line in description.Split('\n'))
        {
            help.Append("  ").Append(line).Append('\n');
        }

        help.Append("\nUsage:\n  ").Append(name).Append(" [options]\n\nOptions:\n");
        foreach (var (syntax, text) in rows)
        {
            help.Append("  ").Append(syntax.PadRight(width)).Append(text).Append('\n');
        }

        return help.Append('\n').ToString();
    }
}
