using System.Globalization;
using System.Text.RegularExpressions;

namespace KeepOperator.NodeAgent.Tests.Metrics;

/// <summary>
/// Reads Prometheus text exposition (format 0.0.4) the way a scraper does: samples by name and exact label set.
/// Shared by the agent's and the operator's metric tests.
/// </summary>
public static partial class Exposition
{
    /// <summary>Fails unless the metric has a non-empty HELP line and the TYPE <paramref name="type"/>.</summary>
    public static void AssertHelpAndType(string exposition, string name, string type)
    {
        var lines = exposition.Split('\n');
        Xunit.Assert.Contains(lines, l => l.StartsWith($"# HELP {name} ", StringComparison.Ordinal) && l.Length > $"# HELP {name} ".Length);
        Xunit.Assert.Contains($"# TYPE {name} {type}", lines);
    }

    /// <summary>The metric families the exposition declares (its TYPE lines) whose names start with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<string> Families(string exposition, string prefix) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith("# TYPE " + prefix, StringComparison.Ordinal))
            .Select(l => l.Split(' ')[2])
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The value of the sample with exactly these labels (in any order); null when there is none.</summary>
    public static double? Value(string exposition, string name, params (string Name, string Value)[] labels)
    {
        var wanted = labels.ToDictionary(l => l.Name, l => l.Value);
        foreach (var (sampleName, sampleLabels, value) in Samples(exposition))
        {
            if (sampleName == name && sampleLabels.Count == wanted.Count && wanted.All(l => sampleLabels.GetValueOrDefault(l.Key) == l.Value))
            {
                return value;
            }
        }
        return null;
    }

    /// <summary>Every sample of the metric <paramref name="name"/>, labels and value.</summary>
    public static IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> All(string exposition, string name) =>
        Samples(exposition).Where(s => s.Name == name).Select(s => (s.Labels, s.Value)).ToList();

    private static IEnumerable<(string Name, IReadOnlyDictionary<string, string> Labels, double Value)> Samples(string exposition)
    {
        foreach (var line in exposition.Split('\n'))
        {
            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                continue;
            }
            var labels = LabelPair().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
            var text = match.Groups["value"].Value;
            var value = text switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            yield return (match.Groups["name"].Value, labels, value);
        }
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<name>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)",?""")]
    private static partial Regex LabelPair();
}
