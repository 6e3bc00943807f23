using Xunit;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

/// <summary>One ipvsadm call from shared/ipvs-golden/golden.txt and the requests it sent (hex, seq/pid zeroed, family 0x0042).</summary>
public sealed record IpvsGoldenCase(string Arguments, IReadOnlyList<string> Requests);

/// <summary>
/// Finds shared/ipvs-golden/golden.txt by walking up from the test binaries (it sits beside the
/// repository root, ../shared from the clone) and parses it. Absent on a checkout without it.
/// </summary>
public static class IpvsGolden
{
    public const ushort FamilyId = 0x0042;

    private const string RelativePath = "shared/ipvs-golden/golden.txt";

    private static readonly Lazy<string?> LazyPath = new(Locate);
    private static readonly Lazy<IReadOnlyList<IpvsGoldenCase>> LazyCases = new(Load);

    public static string? GoldenPath => LazyPath.Value;

    public static string SkipReason =>
        $"{RelativePath} not found in any directory above {AppContext.BaseDirectory} (expected beside the repository root, at ../shared).";

    public static IReadOnlyList<IpvsGoldenCase> Cases => LazyCases.Value;

    /// <summary>Theory data: the argument list of every golden case (empty when the file is absent).</summary>
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

    private static string? Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static IReadOnlyList<IpvsGoldenCase> Load()
    {
        if (GoldenPath is null)
        {
            return [];
        }
        var cases = new List<IpvsGoldenCase>();
        string? arguments = null;
        var requests = new List<string>();
        foreach (var raw in File.ReadAllLines(GoldenPath))
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

/// <summary>A fact that is skipped, with the reason, when the golden file is absent.</summary>
public sealed class GoldenFactAttribute : FactAttribute
{
    public GoldenFactAttribute()
    {
        if (IpvsGolden.GoldenPath is null)
        {
            Skip = IpvsGolden.SkipReason;
        }
    }
}

/// <summary>A theory that is skipped, with the reason, when the golden file is absent.</summary>
public sealed class GoldenTheoryAttribute : TheoryAttribute
{
    public GoldenTheoryAttribute()
    {
        if (IpvsGolden.GoldenPath is null)
        {
            Skip = IpvsGolden.SkipReason;
        }
    }
}
