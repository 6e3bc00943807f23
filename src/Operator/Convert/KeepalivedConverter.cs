using KeepOperator.Api;
using KeepOperator.Api.Manifests;

namespace KeepOperator.Operator.Convert;

/// <summary>
/// keepalived.conf files (one per node) to VirtualIp and VirtualServer documents. The output is read back through
/// <see cref="ManifestReader"/> before it is returned, so what is printed is what the agent and the API accept.
/// </summary>
public static class KeepalivedConverter
{
    /// <param name="paths">One configuration per node, e.g. the master's and the backup's.</param>
    /// <param name="nodeNames">router_id to Kubernetes node name; a router_id not in it is the node name itself.</param>
    public static ConversionResult Convert(IReadOnlyList<string> paths, IReadOnlyDictionary<string, string> nodeNames, IConfigFileSource files)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(nodeNames);
        ArgumentNullException.ThrowIfNull(files);
        var diagnostics = new Diagnostics();
        var reader = new ConfigValueReader(diagnostics);
        var converted = new List<ConvertedFile>();
        foreach (var path in paths)
        {
            var conditions = new SortedSet<string>(StringComparer.Ordinal);
            if (KeepalivedParser.ParseFile(path, files, diagnostics, conditionNames: conditions) is not { } nodes)
            {
                continue;
            }

            if (conditions.Count == 0)
            {
                converted.Add(new KeepalivedFileConverter(reader).Convert(path, nodes));
                continue;
            }

            // keepalived keeps an @NAME line on the host started with -i NAME: one node per name, its node-name-map key.
            diagnostics.Note(new SourceLocation(path, 1),
                $"conditional lines (@{string.Join(", @", conditions)}): converted once per config id, each a node (--node-name-map {conditions.Min}=NODE ...)");
            foreach (var configId in conditions)
            {
                var variant = KeepalivedParser.ParseFile(path, files, diagnostics, configId)!;
                converted.Add(new KeepalivedFileConverter(reader).Convert(path, variant, configId));
            }
        }

        var (virtualIps, virtualServers) = new ConvertedFileMerger(diagnostics).Merge(converted, nodeNames);
        if (diagnostics.HasErrors)
        {
            return new ConversionResult("", virtualIps, virtualServers, InFileOrder(diagnostics.All));
        }

        var yaml = ManifestWriter.Write([.. virtualIps, .. virtualServers], ManifestKinds.All);
        var check = ManifestReader.TryRead(yaml, "converted output", ValidationMode.Standalone, ManifestKinds.All);
        foreach (var error in check.Errors)
        {
            diagnostics.Error(null, $"the converted {error.Kind} \"{error.Name}\" is not valid: {error.Path}: {error.Message}");
        }

        return new ConversionResult(diagnostics.HasErrors ? "" : yaml, virtualIps, virtualServers, InFileOrder(diagnostics.All));
    }

    /// <summary>File by file (in the order first named), line by line; messages about no one line last.</summary>
    private static List<ConvertDiagnostic> InFileOrder(IReadOnlyList<ConvertDiagnostic> all)
    {
        var fileOrder = all.Where(d => d.Location is not null).Select(d => d.Location!.Value.File).Distinct().ToList();
        return all.OrderBy(d => d.Location is { } l ? fileOrder.IndexOf(l.File) : int.MaxValue).ThenBy(d => d.Location?.Line ?? 0).ToList();
    }
}
