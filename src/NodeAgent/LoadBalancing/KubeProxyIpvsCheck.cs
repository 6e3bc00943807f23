namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// kube-proxy in IPVS mode (its dummy link kube-ipvs0 is there) deletes IPVS services it did not create, ours included,
/// unless it was told to leave the VIPs alone.
/// </summary>
public static class KubeProxyIpvsCheck
{
    public const string LinkName = "kube-ipvs0";

    /// <summary>The warning for the log and status, or null when there is nothing to fear.</summary>
    public static string? Explain(DataplaneKind dataplane, bool kubeIpvsLinkExists) =>
        dataplane == DataplaneKind.Ipvs && kubeIpvsLinkExists
            ? $"kube-proxy runs in IPVS mode here (link {LinkName} exists): it deletes IPVS services it did not create, these virtual servers included, unless it is started with --ipvs-exclude-cidrs covering the VIPs"
            : null;
}
