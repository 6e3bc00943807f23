using System.CommandLine;

namespace KeepOperator.Operator.Convert;

/// <summary>What `keepoperator convert` converts: the files and the --node-name-map (router_id to node name).</summary>
public sealed record KeepalivedConvertOptions(IReadOnlyList<string> Paths, IReadOnlyDictionary<string, string> NodeNames);

/// <summary>
/// <c>keepoperator convert FILE... [--node-name-map lb01=n1,lb02=n2]</c>: prints the VirtualIp/VirtualServer YAML for
/// the nodes' keepalived configurations on stdout and every warning (FILE:LINE: ...) on stderr.
/// Exit codes: 0 converted (perhaps with warnings), 1 errors in the configurations (nothing printed), 2 bad usage.
/// </summary>
public static class KeepalivedConvertCommand
{
    /// <summary>The `convert` subcommand and how its parse becomes <see cref="KeepalivedConvertOptions"/>.</summary>
    public static (Command Command, Func<ParseResult, KeepalivedConvertOptions> Bind) Define()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "the nodes' keepalived.conf files",
            Arity = ArgumentArity.OneOrMore,
        };
        // System.CommandLine takes an unknown "--flag" for a FILE; the hand-rolled parser refused it, and so does this.
        files.Validators.Add(result =>
        {
            foreach (var option in result.Tokens.Select(t => t.Value).Where(v => v.StartsWith('-')))
            {
                result.AddError($"unknown option or missing value: {option}");
            }
        });
        var nodeNameMap = new Option<Dictionary<string, string>>("--node-name-map")
        {
            HelpName = "ROUTER_ID=NODE[,ROUTER_ID=NODE...]",
            Description = "name each file's node after its router_id; repeated maps add up",
            Arity = ArgumentArity.OneOrMore,
            DefaultValueFactory = _ => new Dictionary<string, string>(StringComparer.Ordinal),
            CustomParser = result =>
            {
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var token in result.Tokens)
                {
                    if (!TryAddNodeNames(token.Value, map, out var problem))
                    {
                        result.AddError($"--node-name-map: {problem}");
                    }
                }

                return map;
            },
        };
        var command = new Command("convert", "print the VirtualIp/VirtualServer YAML for the nodes' keepalived configurations; warnings (FILE:LINE: ...) go to stderr")
        {
            files,
            nodeNameMap,
        };
        return (command, result => new KeepalivedConvertOptions(result.GetValue(files)!, result.GetValue(nodeNameMap)!));
    }

    public static int Run(KeepalivedConvertOptions options, TextWriter stdout, TextWriter stderr) => Run(options, stdout, stderr, PhysicalConfigFileSource.Instance);

    public static int Run(KeepalivedConvertOptions options, TextWriter stdout, TextWriter stderr, IConfigFileSource files)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var result = KeepalivedConverter.Convert(options.Paths, options.NodeNames, files);
        foreach (var diagnostic in result.Diagnostics)
        {
            stderr.WriteLine(diagnostic.ToString());
        }

        if (!result.Succeeded)
        {
            stderr.WriteLine($"keepoperator convert: {result.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error)} error(s): nothing converted");
            return 1;
        }

        stdout.Write(result.Yaml);
        return 0;
    }

    /// <summary>"lb01=n1,lb02=n2".</summary>
    public static bool TryAddNodeNames(string text, Dictionary<string, string> map, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(map);
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', StringSplitOptions.TrimEntries);
            if (parts is not [{ Length: > 0 } routerId, { Length: > 0 } node])
            {
                problem = $"expected ROUTER_ID=NODE, got \"{pair}\"";
                return false;
            }

            if (!map.TryAdd(routerId, node))
            {
                problem = $"{routerId} is mapped twice";
                return false;
            }
        }

        problem = "";
        return true;
    }
}
