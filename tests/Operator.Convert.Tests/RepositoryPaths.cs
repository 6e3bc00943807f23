namespace KeepOperator.Operator.Convert.Tests;

/// <summary>The repository root (the directory holding KeepOperator.sln) and the seed configurations next to it.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared/seeds relative to the repository root (in CI and here).</summary>
    public static string Seeds => SeedDirectory();

    public static string SeedMaster => Path.Combine(Seeds, "keepalived-master.conf");

    public static string SeedSlave => Path.Combine(Seeds, "keepalived-slave.conf");

    public static string Examples => Path.Combine(Root, "examples");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KeepOperator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no KeepOperator.sln above {AppContext.BaseDirectory}");
    }

    private static string SeedDirectory()
    {
        // A git worktree may sit deeper than the main checkout; the seeds are beside the main checkout's root.
        for (var directory = new DirectoryInfo(Root); directory is not null; directory = directory.Parent)
        {
            var seeds = Path.Combine(directory.FullName, "..", "shared", "seeds");
            if (File.Exists(Path.Combine(seeds, "keepalived-master.conf")))
            {
                return Path.GetFullPath(seeds);
            }
        }

        throw new InvalidOperationException($"no ../shared/seeds/keepalived-master.conf above {Root}");
    }
}
