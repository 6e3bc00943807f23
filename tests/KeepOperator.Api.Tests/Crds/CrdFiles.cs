using System.Text.Json.Nodes;
using KeepOperator.Api.Manifests;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.Api.Tests.Crds;

/// <summary>The CustomResourceDefinitions in deploy/crds/, read as JSON (as kubectl sends them).</summary>
internal static class CrdFiles
{
    public static string Directory { get; } = FindDirectory();

    public static string PathOf(ResourceDefinition resource) => Path.Combine(Directory, $"{resource.Group}_{resource.Plural}.yaml");

    public static JsonObject Load(ResourceDefinition resource) => Parse(File.ReadAllText(PathOf(resource)));

    public static JsonObject Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var conversion = new YamlCoreSchema.Conversion();
        var json = YamlCoreSchema.ToJson(stream.Documents.Single().RootNode, conversion);
        Assert.Empty(conversion.Errors);
        return Assert.IsType<JsonObject>(json);
    }

    /// <summary>The openAPIV3Schema of the CRD's only version.</summary>
    public static JsonObject Schema(JsonObject crd) =>
        Assert.IsType<JsonObject>(crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]);

    private static string FindDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "deploy", "crds");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("deploy/crds not found above " + AppContext.BaseDirectory);
    }
}
