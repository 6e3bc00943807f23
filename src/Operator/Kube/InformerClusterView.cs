using System.Net;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Kube;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// The reconciler's view of the informers' caches. <see cref="PlanInputsVersion"/> counts only changes that can move
/// the plan (a VirtualIp's spec, annotations or VRID; a Node's labels, cordon or InternalIPs; a Secret's keys; the routers a
/// NodeAgentConfig's status says its agent hears; the readiness, node
/// or labels of a pod some pods track selects; see also <see cref="VirtualServerInformers"/>), so status writes, node
/// heartbeats and unrelated pods do not recompute it.
/// </summary>
public sealed class InformerClusterView : IClusterView
{
    private readonly Informer<VirtualIp> virtualIps;
    private readonly Informer<V1Node> nodes;
    private readonly IReadOnlyList<Informer<V1Secret>> secrets;
    private readonly Informer<NodeAgentConfig> nodeConfigs;
    private readonly Informer<V1Pod> pods;
    private readonly VirtualServerInformers virtualServers;
    private long planInputsVersion;

    public InformerClusterView(
        Informer<VirtualIp> virtualIps, Informer<V1Node> nodes, IReadOnlyList<Informer<V1Secret>> secrets, Informer<NodeAgentConfig> nodeConfigs,
        Informer<V1Pod> pods, VirtualServerInformers virtualServers)
    {
        this.pods = pods;
        this.virtualServers = virtualServers;
        this.virtualIps = virtualIps;
        this.nodes = nodes;
        this.secrets = secrets;
        this.nodeConfigs = nodeConfigs;
        virtualIps.Changed += (old, updated) => Bump(PlanRelevance.Of(old) != PlanRelevance.Of(updated));
        nodes.Changed += (old, updated) => Bump(PlanRelevance.Of(old) != PlanRelevance.Of(updated));
        foreach (var informer in secrets)
        {
            informer.Changed += (old, updated) => Bump(PlanRelevance.Of(old) != PlanRelevance.Of(updated));
        }
        pods.Changed += (old, updated) => Bump(IsPlanInput(old, updated));
        nodeConfigs.Changed += (old, updated) => Bump(PlanRelevance.Of(old) != PlanRelevance.Of(updated));
    }

    public long PlanInputsVersion => Interlocked.Read(ref planInputsVersion) + virtualServers.PlanInputsVersion;

    public ClusterState State() => new(
        virtualIps.Items.ToList(),
        nodes.Items.Select(ToNodeInfo).ToList(),
        secrets.SelectMany(s => s.Items).ToDictionary(
            s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}",
            s => (IReadOnlySet<string>)(s.Data?.Keys.ToHashSet(StringComparer.Ordinal) ?? []),
            StringComparer.Ordinal))
    {
        VirtualServerInputs = virtualServers.Inputs(),
        Pods = pods.Items.Select(ToPodInfo).ToList(),
        HeardRouters = nodeConfigs.Items.SelectMany(HeardRouters).ToList(),
    };

    /// <summary>A NodeAgentConfig status's foreign routers; an entry that does not parse is left out.</summary>
    public static IEnumerable<HeardRouter> HeardRouters(NodeAgentConfig config) =>
        (config.Status?.ForeignRouters ?? [])
            .Where(f => f.VirtualRouterId is >= 1 and <= 255 && IPAddress.TryParse(f.Source, out _))
            .Select(f => new HeardRouter(config.Metadata.Name ?? "", f.Interface,
                f.Family == "IPv6" ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork,
                f.VirtualRouterId, IPAddress.Parse(f.Source), f.Version));

    public VirtualIp? VirtualIp(string name) => virtualIps.Get(name);

    public NodeAgentConfig? NodeAgentConfig(string nodeName) => nodeConfigs.Get(nodeName);

    public VirtualServer? VirtualServer(string key) => virtualServers.VirtualServers.Get(key);

    public bool NodeExists(string nodeName) => nodes.Get(nodeName) is not null;

    /// <summary>Every node a NodeAgentConfig key may concern: existing nodes and configs left by deleted ones.</summary>
    public IEnumerable<string> NodeNames() => nodes.Items.Select(n => n.Metadata.Name).Union(nodeConfigs.Items.Select(c => c.Metadata.Name ?? ""), StringComparer.Ordinal);

    public IEnumerable<string> VirtualIpNames() => virtualIps.Items.Select(v => v.Metadata.Name ?? "");

    public static NodeInfo ToNodeInfo(V1Node node) => new(
        node.Metadata.Name,
        node.Metadata.Labels is { } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : new Dictionary<string, string>(),
        node.Spec?.Unschedulable ?? false)
    {
        InternalAddresses = InternalAddresses(node),
    };

    /// <summary>The Node's InternalIPs that parse as plain addresses (a malformed one cannot be a peer).</summary>
    public static IReadOnlyList<IPAddress> InternalAddresses(V1Node node) =>
        [.. (node.Status?.Addresses ?? []).Where(a => a.Type == "InternalIP")
            .Select(a => VirtualIpValidator.TryParseAddress(a.Address, out var ip, out _, out var hasPrefix) && !hasPrefix ? ip : null)
            .OfType<IPAddress>()];

    /// <summary>Whether a pod's change can move the plan: it changed what a pods track reads, and some VirtualIp's pods track selects it (before or after).</summary>
    public bool IsPlanInput(V1Pod? old, V1Pod? updated) =>
        PlanRelevance.Of(old) != PlanRelevance.Of(updated)
        && new[] { old, updated }.OfType<V1Pod>().Select(ToPodInfo).Any(pod => virtualIps.Items.Any(vip => PodTrackRule.Concerns(vip, pod)));

    public static PodInfo ToPodInfo(V1Pod pod) => new(
        pod.Metadata.NamespaceProperty ?? "",
        pod.Metadata.Labels is { } labels ? new Dictionary<string, string>(labels, StringComparer.Ordinal) : new Dictionary<string, string>(),
        pod.Spec?.NodeName,
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") ?? false,
        pod.Metadata.DeletionTimestamp is not null);

    private void Bump(bool relevant)
    {
        if (relevant)
        {
            Interlocked.Increment(ref planInputsVersion);
        }
    }
}
