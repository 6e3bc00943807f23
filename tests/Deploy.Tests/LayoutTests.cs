using System.Text.RegularExpressions;
using Xunit;

namespace KeepOperator.Deploy.Tests;

/// <summary>
/// Folders depend one way (docs/architecture.md): within each project, the folders' using directives form no cycle, so
/// a newcomer can open one folder and know it needs only the ones below it.
/// </summary>
public sealed partial class LayoutTests
{
    public static TheoryData<string, string> Projects() => new()
    {
        { "src/NodeAgent", "KeepOperator.NodeAgent" },
        { "src/Operator", "KeepOperator.Operator" },
        { "src/KeepOperator.Api", "KeepOperator.Api" },
    };

    /// <summary>Folder → the project's other folders its files import.</summary>
    internal static Dictionary<string, HashSet<string>> Imports(string project, string rootNamespace)
    {
        var directory = Path.Combine(RepoPaths.Root, project);
        var pattern = new Regex(@"^using (?:static )?" + Regex.Escape(rootNamespace) + @"\.(\w+)", RegexOptions.Multiline);
        var imports = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(directory, file).Split(Path.DirectorySeparatorChar);
            if (relative[0] is "bin" or "obj" || relative.Length == 1)
            {
                continue;
            }

            foreach (Match m in pattern.Matches(File.ReadAllText(file)))
            {
                if (m.Groups[1].Value != relative[0])
                {
                    (imports.TryGetValue(relative[0], out var set) ? set : imports[relative[0]] = []).Add(m.Groups[1].Value);
                }
            }
        }

        return imports;
    }

    /// <summary>A cycle through the folders, as "A → B → A", or null.</summary>
    internal static string? FindCycle(Dictionary<string, HashSet<string>> imports)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1: on the path, 2: done
        var path = new List<string>();
        string? Visit(string folder)
        {
            state[folder] = 1;
            path.Add(folder);
            foreach (var next in imports.GetValueOrDefault(folder) ?? [])
            {
                if (state.GetValueOrDefault(next) == 1)
                {
                    return string.Join(" → ", path.Skip(path.IndexOf(next)).Append(next));
                }

                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[folder] = 2;
            return null;
        }

        return imports.Keys.Order(StringComparer.Ordinal).Where(f => state.GetValueOrDefault(f) == 0).Select(Visit).FirstOrDefault(c => c is not null);
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void No_folder_imports_one_that_imports_it_back(string project, string rootNamespace)
    {
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, project), "*.cs", SearchOption.AllDirectories));
        Assert.Null(FindCycle(Imports(project, rootNamespace)));
    }

    [Fact]
    public void A_cycle_is_found_and_named()
    {
        var imports = new Dictionary<string, HashSet<string>>
        {
            ["Hosting"] = ["Kube", "Vrrp"],
            ["Kube"] = ["Config"],
            ["Config"] = ["Hosting"],
        };
        Assert.Equal("Config → Hosting → Kube → Config", FindCycle(imports));
        imports["Config"] = ["Vrrp"];
        Assert.Null(FindCycle(imports));
    }
}
