namespace KeepOperator.Operator.Convert.Tests;

/// <summary>The seed configurations and examples the converter tests read.</summary>
internal static class RepositoryPaths
{
    public static string Root => RepoPaths.Root;

    /// <summary>The seed's keepalived.conf files, copied into the repository.</summary>
    public static string Seeds => Path.Combine(RepoPaths.TestData, "seeds");

    public static string SeedMaster => Path.Combine(Seeds, "keepalived-master.conf");

    public static string SeedSlave => Path.Combine(Seeds, "keepalived-slave.conf");

    public static string Examples => Path.Combine(Root, "examples");
}
