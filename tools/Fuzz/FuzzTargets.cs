namespace KeepOperator.Fuzz;

/// <summary>The targets by name.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } = [new VrrpPacketTarget(), new KeepalivedConfTarget(), new NetlinkReplyTarget(), new IpvsMessageTarget(), new ApiJsonTarget()];

    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
