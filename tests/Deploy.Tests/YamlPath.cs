using YamlDotNet.RepresentationModel;

namespace KeepOperator.Deploy.Tests;

/// <summary>Dotted-path lookups in parsed YAML ("spec.template.spec.hostNetwork"; list items by index).</summary>
internal static class YamlPath
{
    public static YamlNode? Find(YamlNode node, string path)
    {
        YamlNode? current = node;
        foreach (var segment in path.Split('.'))
        {
            current = current switch
            {
                YamlMappingNode map => map.Children.TryGetValue(new YamlScalarNode(segment), out var child) ? child : null,
                YamlSequenceNode list when int.TryParse(segment, out int index) && index < list.Children.Count => list.Children[index],
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }
        return current;
    }

    public static string? Scalar(YamlNode node, string path) => (Find(node, path) as YamlScalarNode)?.Value;

    public static IReadOnlyList<string> Strings(YamlNode node, string path) =>
        Find(node, path) is YamlSequenceNode list ? list.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList() : [];

    public static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using var reader = File.OpenText(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }
}
