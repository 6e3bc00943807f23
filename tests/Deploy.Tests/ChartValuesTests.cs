using System.Text.RegularExpressions;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Deploy.Tests;

public sealed partial class ChartValuesTests
{
    private static readonly YamlMappingNode Values = YamlPath.Load(Path.Combine(RepoPaths.Chart, "values.yaml"));

    [Fact]
    public void EveryValuesPathTheTemplatesUseIsInValuesYaml()
    {
        var used = Directory.GetFiles(RepoPaths.ChartTemplates)
            .SelectMany(file => ValuesReference().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Path: m.Groups["path"].Value)))
            .ToList();

        Assert.NotEmpty(used);
        Assert.Empty(used.Where(u => YamlPath.Find(Values, u.Path) is null).Select(u => $"{u.File}: .Values.{u.Path}"));
    }

    [HelmTheory]
    [MemberData(nameof(HelmToolchain.All), MemberType = typeof(HelmToolchain))]
    public void The_chart_lints_strictly(string toolchain)
    {
        var lint = ChartRender.Run(HelmToolchain.Named(toolchain), "lint", "--strict", RepoPaths.Chart);

        Assert.True(lint.ExitCode == 0, lint.ToString());
    }

    [HelmTheory]
    [MemberData(nameof(HelmToolchain.All), MemberType = typeof(HelmToolchain))]
    public void Both_helms_render_the_same_documents(string toolchain) =>
        Assert.Equal(ChartRender.Template(HelmToolchain.Helm3), ChartRender.Template(HelmToolchain.Named(toolchain)));

    public static TheoryData<string, string, string> BrokenOverrides()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var toolchain in new[] { HelmToolchain.Helm3.Name, HelmToolchain.Helm4.Name })
        {
            data.Add(toolchain, "operator:\n  replicas: two", "replicas");
            data.Add(toolchain, "operator:\n  replicas: 0", "replicas");
            data.Add(toolchain, "agent:\n  logFormat: xml", "logFormat");
            data.Add(toolchain, "agent:\n  privileged: true", "privileged");
            data.Add(toolchain, "metrics:\n  port: 70000", "port");
            data.Add(toolchain, "metrics:\n  grafanaDashboard: {label: \"\"}", "label");
            data.Add(toolchain, "agent:\n  tolerations: [1]", "tolerations");
            data.Add(toolchain, "agent:\n  podLabels: {team: 7}", "team");
            data.Add(toolchain, "agent:\n  image: {tag: [1]}", "tag");
            data.Add(toolchain, "agent: null", "agent"); // a required section removed
        }

        return data;
    }

    [HelmTheory]
    [MemberData(nameof(BrokenOverrides))]
    public void The_schema_refuses_a_broken_override(string toolchain, string overrideYaml, string field)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("keepoperator-values-").FullName, "override.yaml");
        File.WriteAllText(file, overrideYaml + "\n");

        var render = ChartRender.Run(HelmToolchain.Named(toolchain), "template", "ko", RepoPaths.Chart, "-f", file);

        Assert.True(render.ExitCode != 0, "helm accepted it: " + render);
        Assert.Contains("schema", render.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(field, render.Stderr, StringComparison.Ordinal);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [Fact]
    public void OperatorAndAgentTakeTheSameKeys()
    {
        string[] common = ["image", "resources", "nodeSelector", "tolerations", "affinity", "securityContext", "podAnnotations", "podLabels", "extraArgs", "logFormat", "priorityClassName"];
        foreach (var component in new[] { "operator", "agent" })
        {
            Assert.All(common, key => Assert.NotNull(YamlPath.Find(Values, component + "." + key)));
            Assert.All(["repository", "tag", "pullPolicy"], key => Assert.NotNull(YamlPath.Find(Values, $"{component}.image.{key}")));
        }
    }

    [GeneratedRegex(@"\.Values\.(?<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")]
    private static partial Regex ValuesReference();
}
