using KeepOperator.NodeAgent.Ipvs;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.NodeAgent.Tests.Ipvs;

/// <summary>Byte-exact agreement with what ipvsadm 1.31 sends, for every case in tests/TestData/ipvs-golden.</summary>
public sealed class IpvsGoldenTests(ITestOutputHelper output)
{
    [Fact]
    public void Golden_file_covers_every_case_in_cases_txt()
    {
        string casesPath = Path.Combine(Path.GetDirectoryName(IpvsGolden.GoldenPath)!, "cases.txt");
        Assert.True(File.Exists(casesPath), $"{casesPath} is missing beside golden.txt");
        var cases = File.ReadAllLines(casesPath)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
        Assert.Equal(cases, IpvsGolden.Cases.Select(c => c.Arguments).ToList());
    }

    [Fact]
    public void Every_golden_case_encodes_byte_exact()
    {
        var failures = new List<string>();
        foreach (var c in IpvsGolden.Cases)
        {
            try
            {
                var actual = EncodeAll(c.Arguments);
                if (!actual.SequenceEqual(c.Requests))
                {
                    failures.Add($"{c.Arguments}\n  expected {string.Join(" | ", c.Requests)}\n  actual   {string.Join(" | ", actual)}");
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                failures.Add($"{c.Arguments}: {e.Message}");
            }
        }
        output.WriteLine($"{IpvsGolden.Cases.Count - failures.Count}/{IpvsGolden.Cases.Count} golden cases byte-exact");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.NotEmpty(IpvsGolden.Cases);
    }

    [Theory]
    [MemberData(nameof(IpvsGolden.CaseArguments), MemberType = typeof(IpvsGolden))]
    public void Parse_then_encode_matches_golden(string arguments)
    {
        var golden = IpvsGolden.Get(arguments);
        Assert.Equal(golden.Requests, EncodeAll(arguments));
    }

    [Theory]
    [MemberData(nameof(IpvsGolden.CaseArguments), MemberType = typeof(IpvsGolden))]
    public void Golden_bytes_decode_to_the_parsed_command(string arguments)
    {
        var golden = IpvsGolden.Get(arguments);
        var parsed = IpvsadmCommandParser.Parse(arguments);
        var request = Assert.Single(golden.Requests);
        Assert.Equal(parsed, IpvsMessageCodec.DecodeCommand(Convert.FromHexString(request)));
    }

    [Theory]
    [MemberData(nameof(IpvsGolden.CaseArguments), MemberType = typeof(IpvsGolden))]
    public void Render_then_parse_is_identity_and_still_matches_golden(string arguments)
    {
        var parsed = IpvsadmCommandParser.Parse(arguments);
        string rendered = IpvsadmCommandRenderer.Render(parsed);
        var reparsed = IpvsadmCommandParser.Parse(rendered);
        Assert.Equal(parsed, reparsed);
        Assert.Equal(IpvsGolden.Get(arguments).Requests,
            [Convert.ToHexStringLower(IpvsMessageCodec.Encode(reparsed, IpvsGolden.FamilyId))]);
    }

    [Theory]
    [MemberData(nameof(IpvsGolden.CaseArguments), MemberType = typeof(IpvsGolden))]
    public void Render_reproduces_the_ipvsadm_line(string arguments)
    {
        // ipvsadm forces a -g/-i real server's port to the service port, so the one case that gives
        // -i a different port renders with the port ipvsadm actually sent.
        string expected = "ipvsadm " + arguments.Replace("-r 10.0.1.6:8443 -i", "-r 10.0.1.6:443 -i", StringComparison.Ordinal);
        Assert.Equal(expected, IpvsadmCommandRenderer.Render(IpvsadmCommandParser.Parse(arguments)));
    }

    private static List<string> EncodeAll(string arguments)
    {
        var command = IpvsadmCommandParser.Parse(arguments);
        return [Convert.ToHexStringLower(IpvsMessageCodec.Encode(command, IpvsGolden.FamilyId))];
    }
}
