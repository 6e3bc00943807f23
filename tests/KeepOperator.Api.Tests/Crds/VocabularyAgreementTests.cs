using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KeepOperator.Api.Vocabulary;
using Xunit;

namespace KeepOperator.Api.Tests.Crds;

/// <summary>The words the code writes (KeepOperator.Api.Vocabulary) are the words the CRDs show and accept.</summary>
public sealed partial class VocabularyAgreementTests
{
    public static TheoryData<string> Kinds() => [.. ResourceDefinitions.All.Select(r => r.Kind)];

    private static JsonObject Crd(string kind) => CrdFiles.Load(ResourceDefinitions.All.Single(r => r.Kind == kind));

    private static IEnumerable<string> Constants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

    /// <summary>Every "state" property in a CRD's status, with its schema.</summary>
    private static IEnumerable<(string Path, JsonObject Schema)> StateProperties(JsonNode? node, string path)
    {
        if (node is not JsonObject schema)
        {
            yield break;
        }

        foreach (var (name, child) in schema["properties"] as JsonObject ?? [])
        {
            if (name == "state" && child is JsonObject state)
            {
                yield return ($"{path}.{name}", state);
            }

            foreach (var found in StateProperties(child, $"{path}.{name}"))
            {
                yield return found;
            }
        }

        foreach (var found in StateProperties(schema["items"], path + "[]"))
        {
            yield return found;
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Every_reported_state_accepts_exactly_the_state_names(string kind)
    {
        foreach (var (path, schema) in StateProperties(CrdFiles.Schema(Crd(kind))["properties"]?["status"], "status"))
        {
            Assert.True(
                (schema["enum"] as JsonArray ?? []).Select(n => (string)n!).SequenceEqual(VrrpStateNames.All),
                $"{kind} {path}: enum {schema["enum"]?.ToJsonString() ?? "(none)"}, VrrpStateNames.All is [{string.Join(", ", VrrpStateNames.All)}]");
            Assert.All(VrrpStateNames.All, name => Assert.Contains(name, (string?)schema["description"], StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_state_names_are_checked_somewhere()
    {
        Assert.Equal(2, ResourceDefinitions.All.Sum(r => StateProperties(CrdFiles.Schema(Crd(r.Kind))["properties"]?["status"], "status").Count()));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Printer_columns_name_condition_types_the_code_writes(string kind)
    {
        var columns = Crd(kind)["spec"]!["versions"]![0]!["additionalPrinterColumns"] as JsonArray ?? [];
        foreach (var column in columns)
        {
            foreach (Match match in ConditionType().Matches((string)column!["jsonPath"]!))
            {
                Assert.Contains(match.Groups[1].Value, Constants(typeof(ConditionTypes)));
            }
        }
    }

    [Fact]
    public void Reasons_are_CamelCase_words_and_unique_per_class()
    {
        foreach (var type in new[] { typeof(VirtualIpReasons), typeof(VirtualServerReasons), typeof(NodeAgentConfigReasons), typeof(ConditionTypes), typeof(EventReasons) })
        {
            var values = Constants(type).ToList();
            Assert.All(values, v => Assert.Matches("^[A-Z][A-Za-z]+$", v)); // Kubernetes' rule for reasons: UpperCamelCase
            Assert.Equal(values.Count, values.Distinct(StringComparer.Ordinal).Count());
        }
    }

    [GeneratedRegex("""@\.type=="([^"]+)"\)""")]
    private static partial Regex ConditionType();
}
