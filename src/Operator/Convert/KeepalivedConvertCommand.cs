namespace KeepOperator.Operator.Convert;

/// <summary>
/// <c>keepoperator convert FILE... [--node-name-map lb01=n1,lb02=n2]</c>: prints the VirtualIp/VirtualServer YAML for
/// the nodes' keepalived configurations on stdout and every warning (FILE:LINE: ...) on stderr.
/// Exit codes: 0 converted (perhaps with warnings), 1 errors in the configurations (nothing printed), 2 bad usage.
/// </summary>
public static class KeepalivedConvertCommand
{
    private const string Usage = "usage: keepoperator convert FILE... [--node-name-map ROUTER_ID=NODE[,ROUTER_ID=NODE...]]";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, stdout, stderr, PhysicalConfigFileSource.Instance);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, IConfigFileSource files)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var paths = new List<string>();
        var nodeNames = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    stdout.WriteLine(Usage);
                    return 0;
                case "--node-name-map" when i + 1 < args.Length:
                    if (!TryAddNodeNames(args[++i], nodeNames, out var problem))
                    {
                        stderr.WriteLine($"keepoperator convert: --node-name-map: {problem}");
                        stderr.WriteLine(Usage);
                        return 2;
                    }

                    break;
                case var option when option.StartsWith('-'):
                    stderr.WriteLine($"keepoperator convert: unknown option or missing value: {option}");
                    stderr.WriteLine(Usage);
                    return 2;
                default:
                    paths.Add(args[i]);
                    break;
            }
        }

        if (paths.Count == 0)
        {
            stderr.WriteLine(Usage);
            return 2;
        }

        var result = KeepalivedConverter.Convert(paths, nodeNames, files);
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
