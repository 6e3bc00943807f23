using System.CommandLine;
using KeepOperator.Cli;

namespace KeepOperator.Fuzz;

/// <summary>One run of keepoperator-fuzz: the subcommand, its target, its path arguments in order, and the campaign's bounds.</summary>
internal sealed record FuzzInvocation(string Mode, IFuzzTarget Target, IReadOnlyList<string> Paths, FuzzCampaignOptions Options);

/// <summary>keepoperator-fuzz's command line, for tools/fuzz.sh and for replaying what a campaign found.</summary>
internal static class FuzzCommandLine
{
    public static CommandLineResult<FuzzInvocation> Parse(IReadOnlyList<string> args)
    {
        var seed = CommandLineParsing.Integer("--seed", "campaign: the mutator's random seed", 1);
        var inputs = CommandLineParsing.Integer("--inputs", "campaign: stop after this many inputs", int.MaxValue);
        var seconds = CommandLineParsing.Integer("--seconds", "campaign: stop after this many seconds", 10);
        var timeoutMs = CommandLineParsing.Integer("--timeout-ms", "an input running longer is a hang", 2000);
        Option[] common = [seed, inputs, seconds, timeoutMs];
        var root = CommandLineParsing.Root("keepoperator-fuzz",
            $"The fuzz targets ({string.Join(", ", FuzzTargets.All.Select(t => t.Name))}); exit status 1 when an input crashed or hung.");
        foreach (var option in common)
        {
            // Every subcommand takes them, before or after its arguments.
            option.Recursive = true;
            root.Options.Add(option);
        }

        var target = new Argument<IFuzzTarget>("TARGET")
        {
            Description = "the fuzz target",
            CustomParser = result =>
            {
                var name = result.Tokens[0].Value;
                if (FuzzTargets.Find(name) is { } found)
                {
                    return found;
                }

                result.AddError($"TARGET: {string.Join(" or ", FuzzTargets.All.Select(t => t.Name))}, got \"{name}\"");
                return null;
            },
        };
        Argument Paths(string name, string description, bool several) =>
            several
                ? new Argument<string[]>(name) { Description = description, Arity = ArgumentArity.OneOrMore }
                : new Argument<string>(name) { Description = description };
        Command[] modes =
        [
            new("afl", "run under afl-fuzz (SharpFuzz; input on the fork server)") { target },
            new("seeds", "write the seed inputs FILE... make into DIR") { target, Paths("DIR", "folder to write the seeds into", false), Paths("FILE", "seed files", true) },
            new("dict", "write TARGET's tokens as an afl-fuzz dictionary") { target, Paths("FILE", "dictionary to write", false) },
            new("replay", "run the inputs in PATH... (files or folders), count outcomes") { target, Paths("PATH", "inputs: files or folders", true) },
            new("campaign", "in-process campaign from the seeds FILE... make") { target, Paths("FILE", "seed files", true) },
        ];
        foreach (var mode in modes)
        {
            // Every mode runs through the caller; the action only makes the mode a complete command line.
            mode.SetAction(_ => { });
            root.Subcommands.Add(mode);
        }

        return CommandLineParsing.Parse(root, args, result => new FuzzInvocation(
            result.CommandResult.Command.Name,
            result.GetValue(target)!,
            [.. result.CommandResult.Command.Arguments.Skip(1).SelectMany(a => result.GetResult(a)!.Tokens.Select(t => t.Value))],
            new FuzzCampaignOptions
            {
                RandomSeed = result.GetValue(seed),
                MaxInputs = result.GetValue(inputs),
                Duration = TimeSpan.FromSeconds(result.GetValue(seconds)),
                InputTimeout = TimeSpan.FromMilliseconds(result.GetValue(timeoutMs)),
            }));
    }
}
