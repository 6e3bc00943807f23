namespace KeepOperator.Tests.Shared;

/// <summary>Files of the repository the tests read, found from the test's output directory upwards. Linked into the projects that use it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Chart => Path.Combine(Root, "deploy", "helm", "keepoperator");

    public static string ChartTemplates => Path.Combine(Chart, "templates");

    public static string Crds => Path.Combine(Root, "deploy", "crds");

    /// <summary>Data copied into the repository from ../shared (tests/TestData/README.md says what and from where).</summary>
    public static string TestData => Path.Combine(Root, "tests", "TestData");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KeepOperator.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("KeepOperator.sln not found above " + AppContext.BaseDirectory);
    }
}
