using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace KeepOperator.Deploy.Tests;

/// <summary>
/// A stand-in for `helm template` with the chart's default values (no helm binary here): control lines (if, range,
/// with, end, variables) are dropped, so every conditional block is kept once; `.Values.x` actions take their
/// value from values.yaml (`toYaml .Values.x | nindent N` as an indented block); every other action becomes a
/// placeholder scalar named after its expression ("{{ .Release.Namespace }}" -> "stub_Release_Namespace").
/// </summary>
internal sealed partial class ChartStubRenderer
{
    private static readonly string[] ControlKeywords = ["if ", "else", "end", "range ", "with ", "define ", "template ", "block ", "/*"];

    private readonly YamlMappingNode _values;

    public ChartStubRenderer(YamlMappingNode values) => _values = values;

    public static ChartStubRenderer WithDefaultValues() => new(YamlPath.Load(Path.Combine(RepoPaths.Chart, "values.yaml")));

    public static string Placeholder(string expression) => "stub_" + NonWord().Replace(expression, "_").Trim('_');

    public string Render(string template)
    {
        var output = new StringBuilder();
        foreach (var line in template.Split('\n'))
        {
            var trimmed = line.Trim();
            if (IsSingleAction(trimmed))
            {
                RenderActionLine(ActionExpression(trimmed), line.Length - line.TrimStart().Length, output);
            }
            else
            {
                output.Append(InlineAction().Replace(line, m => InlineValue(m.Groups["expr"].Value.Trim()))).Append('\n');
            }
        }
        return output.ToString();
    }

    /// <summary>The rendered documents of one template, empty ones (comments only) left out.</summary>
    public IReadOnlyList<YamlMappingNode> RenderDocuments(string templatePath)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(Render(File.ReadAllText(templatePath))));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    private void RenderActionLine(string expression, int indent, StringBuilder output)
    {
        if (ControlKeywords.Any(expression.StartsWith) || VariableAssignment().IsMatch(expression))
        {
            return;
        }
        var block = BlockAction().Match(expression);
        if (!block.Success)
        {
            output.Append(' ', indent).Append(InlineValue(expression)).Append('\n');
            return;
        }
        int blockIndent = int.Parse(block.Groups["indent"].Value, System.Globalization.CultureInfo.InvariantCulture);
        var toYaml = ToYamlOfValues().Match(block.Groups["source"].Value.Trim());
        if (!toYaml.Success)
        {
            // An include of named labels: a one-entry mapping stands for them.
            output.Append(' ', blockIndent).Append(Placeholder(block.Groups["source"].Value)).Append(": stub\n");
            return;
        }
        var value = ValueAt(toYaml.Groups["path"].Value);
        if (value is YamlScalarNode || IsEmptyCollection(value))
        {
            return;
        }
        var yaml = new SerializerBuilder().Build().Serialize(value);
        foreach (var valueLine in yaml.TrimEnd('\n').Split('\n'))
        {
            output.Append(' ', blockIndent).Append(valueLine).Append('\n');
        }
    }

    private string InlineValue(string expression)
    {
        var values = ValuesReference().Match(expression);
        if (values.Success && ValueAt(values.Groups["path"].Value) is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }
        return Placeholder(expression);
    }

    /// <summary>A value of values.yaml; the test of the templates' paths fails first when one is missing.</summary>
    private YamlNode ValueAt(string path) =>
        YamlPath.Find(_values, path) ?? throw new InvalidOperationException($".Values.{path} is not in values.yaml");

    private static bool IsEmptyCollection(YamlNode node) =>
        node is YamlMappingNode { Children.Count: 0 } or YamlSequenceNode { Children.Count: 0 };

    private static bool IsSingleAction(string trimmed) =>
        trimmed.StartsWith("{{", StringComparison.Ordinal) && trimmed.EndsWith("}}", StringComparison.Ordinal)
        && trimmed.IndexOf("{{", 2, StringComparison.Ordinal) < 0;

    private static string ActionExpression(string trimmed) => trimmed[2..^2].Trim('-').Trim();

    [GeneratedRegex(@"\{\{-?(?<expr>.*?)-?\}\}")]
    private static partial Regex InlineAction();

    [GeneratedRegex(@"^(?<source>.*)\|\s*nindent\s+(?<indent>\d+)$")]
    private static partial Regex BlockAction();

    [GeneratedRegex(@"^toYaml\s+\$?\.Values\.(?<path>[\w.]+)$")]
    private static partial Regex ToYamlOfValues();

    [GeneratedRegex(@"^\$?\.Values\.(?<path>[\w.]+)(\s*\|.*)?$")]
    private static partial Regex ValuesReference();

    [GeneratedRegex(@"^\$\w+\s*:?=")]
    private static partial Regex VariableAssignment();

    [GeneratedRegex(@"[^A-Za-z0-9]+")]
    private static partial Regex NonWord();
}
