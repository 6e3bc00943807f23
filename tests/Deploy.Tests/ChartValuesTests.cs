using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Deploy.Tests;

public sealed partial class ChartValuesTests
{
    private static readonly YamlMappingNode Values = YamlPath.Load(Path.Combine(RepoPaths.Chart, "values.yaml"));

    private static readonly JsonElement Schema =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Chart, "values.schema.json"))).RootElement;

    [Fact]
    public void EveryValuesPathTheTemplatesUseIsInValuesYaml()
    {
        var used = Directory.GetFiles(RepoPaths.ChartTemplates)
            .SelectMany(file => ValuesReference().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Path: m.Groups["path"].Value)))
            .ToList();

        Assert.NotEmpty(used);
        Assert.Empty(used.Where(u => YamlPath.Find(Values, u.Path) is null).Select(u => $"{u.File}: .Values.{u.Path}"));
    }

    [Fact]
    public void ValuesYamlValidatesAgainstTheSchema() =>
        Assert.Empty(ValuesSchemaValidator.Validate(Schema, Values));

    [Theory]
    [InlineData("operator:\n  replicas: two", "operator.replicas: expected integer, got string")]
    [InlineData("operator:\n  replicas: 0", "operator.replicas: 0 is below the minimum 1")]
    [InlineData("agent:\n  logFormat: xml", "agent.logFormat: xml is not one of")]
    [InlineData("agent:\n  privileged: true", "agent.privileged: not allowed here")]
    [InlineData("metrics:\n  port: 70000", "metrics.port: 70000 is above the maximum 65535")]
    [InlineData("agent:\n  tolerations: [1]", "agent.tolerations[0]: expected object, got integer")]
    [InlineData("agent:\n  podLabels: {team: 7}", "agent.podLabels.team: expected string, got integer")]
    public void TheSchemaRefusesABrokenOverride(string overrideYaml, string expectedError)
    {
        var values = Merge(YamlPath.Load(Path.Combine(RepoPaths.Chart, "values.yaml")), Parse(overrideYaml));

        Assert.Contains(ValuesSchemaValidator.Validate(Schema, values), e => e.StartsWith(expectedError, StringComparison.Ordinal));
    }

    [Fact]
    public void TheSchemaRequiresTheComponentSections()
    {
        var values = YamlPath.Load(Path.Combine(RepoPaths.Chart, "values.yaml"));
        values.Children.Remove(new YamlScalarNode("agent"));

        Assert.Contains("(root): agent is required", ValuesSchemaValidator.Validate(Schema, values));
    }

    [Fact]
    public void OperatorAndAgentTakeTheSameKeys()
    {
        string[] common = ["image", "resources", "nodeSelector", "tolerations", "affinity", "securityContext", "podAnnotations", "podLabels", "extraArgs", "logFormat"];
        foreach (var component in new[] { "operator", "agent" })
        {
            Assert.All(common, key => Assert.NotNull(YamlPath.Find(Values, component + "." + key)));
            Assert.All(["repository", "tag", "pullPolicy"], key => Assert.NotNull(YamlPath.Find(Values, $"{component}.image.{key}")));
        }
    }

    /// <summary>Helm's merge of a user's values over the defaults: maps merge key by key, anything else replaces.</summary>
    private static YamlMappingNode Merge(YamlMappingNode defaults, YamlMappingNode overrides)
    {
        foreach (var (key, value) in overrides.Children)
        {
            if (value is YamlMappingNode child && defaults.Children.TryGetValue(key, out var existing) && existing is YamlMappingNode existingMap)
            {
                Merge(existingMap, child);
            }
            else
            {
                defaults.Children[key] = value;
            }
        }
        return defaults;
    }

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [GeneratedRegex(@"\.Values\.(?<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")]
    private static partial Regex ValuesReference();
}
