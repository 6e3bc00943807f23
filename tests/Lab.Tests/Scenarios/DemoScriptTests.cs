using System.Text.RegularExpressions;
using KeepOperator.Lab.Tests.Lab;
using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Scenarios;

/// <summary>
/// tools/lab/demo.sh, the README's main-job command, run as a user runs it (on this test run's builds, through
/// $AGENT, $OPERATOR and $LOCALCLUSTER): it must finish, show n1 then n2 as MASTER in <c>kubectl get virtualips</c>,
/// get every curl to the VIP answered by a node's web server, and leave none of its namespaces behind.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Agent")]
public sealed partial class DemoScriptTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(2);

    [LabFact]
    public void The_demo_fails_over_through_the_whole_stack_and_cleans_up()
    {
        var root = ClusterAgentApiServer.RepositoryRoot();
        var (agentFile, agentArgs) = AgentPeer.Command;
        var logs = Directory.CreateTempSubdirectory("kodemo-test-").FullName;
        IReadOnlyList<string> lines;
        IReadOnlyList<string> errors;
        int? exit;
        using (var demo = new LabProcess("demo", Path.Combine(logs, "demo.log"), "env",
        [
            "AGENT=" + (agentArgs.FirstOrDefault() ?? agentFile),
            "OPERATOR=" + ClusterAgentApiServer.BuildOutput(Path.Combine("src", "Operator"), "keepoperator.dll"),
            "LOCALCLUSTER=" + ClusterAgentApiServer.BuildOutput(Path.Combine("tools", "LocalCluster"), "keepoperator-localcluster.dll"),
            "bash", Path.Combine(root, "tools", "lab", "demo.sh"),
        ]))
        {
            if (!demo.WaitForExit(Bound))
            {
                demo.Signal(Native.SIGTERM); // its trap removes the lab; SIGKILL (Dispose) would leave it behind
                demo.WaitForExit(TimeSpan.FromSeconds(30));
            }

            demo.WaitForExit(TimeSpan.FromSeconds(1));
            (lines, errors, exit) = (demo.Lines, demo.ErrorLines, demo.HasExited ? demo.ExitCode : null);
        }

        Directory.Delete(logs, recursive: true);
        foreach (var line in lines.Concat(errors.Select(e => "stderr: " + e)))
        {
            output.WriteLine(line);
        }

        var prefix = lines.Select(l => NamespacesRegex().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        Assert.NotNull(prefix);
        Assert.DoesNotContain(Sh.Check("ip", "netns", "list").Split('\n'), ns => ns.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(exit == 0, $"demo.sh exited with {exit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing within " + Bound}");

        var masters = AfterEach(lines, "$ kubectl get virtualips", 2).Select(t => Cell(t, "vi-1", "MASTER")).ToList();
        Assert.Equal(["n1", "n2"], masters);
        Assert.Contains(lines, l => l.StartsWith("=> kubectl shows n2 as master", StringComparison.Ordinal));

        var answers = AfterEach(lines, "client$ for i in 1 2 3; do curl -s --max-time 2 http://10.77.0.250/; done", 3).ToList();
        Assert.Equal(2, answers.Count);
        Assert.All(answers.SelectMany(a => a), a => Assert.Matches(AnswerRegex(), a));
    }

    /// <summary>The <paramref name="count"/> lines after each line equal to <paramref name="command"/>.</summary>
    private static IEnumerable<IReadOnlyList<string>> AfterEach(IReadOnlyList<string> lines, string command, int count) =>
        lines.Select((l, i) => (l, i)).Where(p => p.l == command).Select(p => lines.Skip(p.i + 1).Take(count).ToList());

    /// <summary>The cell under <paramref name="column"/> in the row of <paramref name="name"/> of a kubectl table (header first).</summary>
    private static string? Cell(IReadOnlyList<string> table, string name, string column)
    {
        var rows = table.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var at = Array.IndexOf(rows[0], column);
        var row = rows.Skip(1).FirstOrDefault(r => r.Length == rows[0].Length && r[0] == name);
        return at < 0 || row is null ? null : row[at];
    }

    // The lab's namespaces as the demo lists them: "kodemo123-n1 kodemo123-client kodemo123-n2 kodemo123-sw".
    [GeneratedRegex(@"^(kodemo\d+-)(?:n1|n2|client|sw)\b")]
    private static partial Regex NamespacesRegex();

    [GeneratedRegex(@"^hello from n[12] \(10\.77\.0\.1[12]\)$")]
    private static partial Regex AnswerRegex();
}
