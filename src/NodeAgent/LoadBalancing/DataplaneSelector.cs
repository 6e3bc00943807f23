namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>Pure: which dataplane --dataplane and the kernel's IPVS support lead to.</summary>
public static class DataplaneSelector
{
    public static bool TryParseMode(string text, out DataplaneMode mode)
    {
        switch (text)
        {
            case "auto":
                mode = DataplaneMode.Auto;
                return true;
            case "ipvs":
                mode = DataplaneMode.Ipvs;
                return true;
            case "nftables":
                mode = DataplaneMode.Nftables;
                return true;
            default:
                mode = default;
                return false;
        }
    }

    public static string Name(DataplaneKind kind) => kind == DataplaneKind.Ipvs ? "ipvs" : "nftables";

    /// <param name="ipvs">The outcome of looking for the generic netlink family IPVS: null when found, else why not.</param>
    public static DataplaneChoice Select(DataplaneMode mode, IpvsProbeResult ipvs)
    {
        ArgumentNullException.ThrowIfNull(ipvs);
        return mode switch
        {
            DataplaneMode.Nftables => new(DataplaneKind.Nftables, "requested with --dataplane nftables"),
            DataplaneMode.Ipvs when ipvs.Available => new(DataplaneKind.Ipvs, "requested with --dataplane ipvs"),
            DataplaneMode.Ipvs => new(null, $"--dataplane ipvs, but the kernel has no IPVS ({ipvs.Detail})"),
            _ when ipvs.Available => new(DataplaneKind.Ipvs, $"auto: the kernel has IPVS ({ipvs.Detail})"),
            _ => new(DataplaneKind.Nftables, $"auto: the kernel has no IPVS ({ipvs.Detail})"),
        };
    }
}
