using Xunit;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

/// <summary>One ipvsadm call from tests/TestData/ipvs-golden/golden.txt and the requests it sent (hex, seq/pid zeroed, family 0x0042).</summary>
public sealed record IpvsGoldenCase(string Arguments, IReadOnlyList<string> Requests);

/// <summary>Parses tests/TestData/ipvs-golden/golden.txt (copied from ../shared/ipvs-golden, see tests/TestData/README.md).</summary>
public static class IpvsGolden
{
    public const ushort FamilyId = 0x0042;

    private static readonly Lazy<IReadOnlyList<IpvsGoldenCase>> LazyCases = new(() => Load(GoldenPath));
    private static readonly Lazy<IReadOnlyList<IpvsGoldenCase>> LazyDaemonCases = new(() => Load(DaemonGoldenPath));

    public static string GoldenPath => Path.Combine(RepoPaths.TestData, "ipvs-golden", "golden.txt");

    /// <summary>The sync daemon cases, captured the same way into this repository (daemon-cases.txt, daemon-golden.txt).</summary>
    public static string DaemonGoldenPath => Path.Combine(RepoPaths.TestData, "ipvs-golden", "daemon-golden.txt");

    public static IReadOnlyList<IpvsGoldenCase> Cases => LazyCases.Value;

    public static IReadOnlyList<IpvsGoldenCase> DaemonCases => LazyDaemonCases.Value;

    /// <summary>Theory data: the argument list of every golden case.</summary>
    public static TheoryData<string> CaseArguments()
    {
        var data = new TheoryData<string>();
        foreach (var c in Cases)
        {
            data.Add(c.Arguments);
        }
        return data;
    }

    public static IpvsGoldenCase Get(string arguments) => Cases.Single(c => c.Arguments == arguments);

    private static IReadOnlyList<IpvsGoldenCase> Load(string path)
    {
        var cases = new List<IpvsGoldenCase>();
        string? arguments = null;
        var requests = new List<string>();
        foreach (var raw in File.ReadAllLines(path))
        {
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            if (line.StartsWith("# ipvsadm", StringComparison.Ordinal))
            {
                if (arguments is not null)
                {
                    cases.Add(new IpvsGoldenCase(arguments, requests));
                }
                arguments = line["# ipvsadm".Length..].Trim();
                requests = [];
            }
            else if (!line.StartsWith('#') && arguments is not null)
            {
                requests.Add(line.ToLowerInvariant());
            }
        }
        if (arguments is not null)
        {
            cases.Add(new IpvsGoldenCase(arguments, requests));
        }
        return cases;
    }
}
