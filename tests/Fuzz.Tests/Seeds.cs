namespace KeepOperator.Fuzz.Tests;

/// <summary>The seed inputs a target makes from its sample files (copied beside the tests, see the project file).</summary>
internal static class Seeds
{
    public static IReadOnlyList<byte[]> For(IFuzzTarget target) =>
        Directory.GetFiles(Folder(target)).Order(StringComparer.Ordinal).SelectMany(target.SeedsFrom).ToList();

    public static IReadOnlyList<byte[]> From(IFuzzTarget target, string file) => target.SeedsFrom(Path.Combine(Folder(target), file)).ToList();

    private static string Folder(IFuzzTarget target) => Path.Combine(AppContext.BaseDirectory, "Seeds", target.Name);
}
