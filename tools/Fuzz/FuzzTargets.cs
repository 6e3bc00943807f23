namespace KeepOperator.Fuzz;

/// <summary>The targets by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } = [new VrrpPacketTarget(), new KeepalivedConfTarget()];

    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
