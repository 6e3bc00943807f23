using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// The reconciler's view of the informers' caches. <see cref="PlanInputsVersion"/> counts only changes that can move
/// the plan (a VirtualIp's spec, annotations or VRID; a Node's labels or cordon; a Secret's keys; see also
/// <see cref="VirtualServerInformers"/>), so status writes and
/// node heartbeats do not recompute it.
/// </summary>
public sealed class InformerClusterView : IClusterView
{
    private readonly Informer<VirtualIp> virtualIps;
    private readonly Informer<V1Node> nodes;
    private readonly Informer<V1Secret> secrets;
    private readonly Informer<NodeAgentConfig> nodeConfigs;
    private readonly VirtualServerInformers virtualServers;
    private long planInputsVersion;

    public InformerClusterView(
        Informer<VirtualIp> virtualIps, Informer<V1Node> nodes, Informer<V1Secret> secrets, Informer<NodeAgentConfig> nodeConfigs, VirtualServerInformers virtualServers)
    {
        this.virtualServers = virtualServers;
        this.virtualIps = virtualIps;
        this.nodes = nodes;
        this.secrets = secrets;
        this.nodeConfigs = nodeConfigs;
        virtualIps.Changed += (old, updated) => Bump(PlanRelevance.Of(old) != PlanRelevance.Of(updated));
        nodes.Changed += (old, updated) => Bump(PlanRelevance.Of(old) != PlanRelevance.Of(updated));
        secrets.Changed += (old, updated) => Bump(PlanRelevance.Of(old) != PlanRelevance.Of(updated));
    }

    public long PlanInputsVersion => Interlocked.Read(ref planInputsVersion) + virtualServers.PlanInputsVersion;

    public ClusterState State() => new(
        virtualIps.Items.ToList(),
        nodes.Items.Select(ToNodeInfo).ToList(),
        secrets.Items.ToDictionary(
            s => $"{s.Metadata.NamespaceProperty}/{s.Metadata.Name}",
            s => (IReadOnlySet<string>)(s.Data?.Keys.ToHashSet(StringComparer.Ordinal) ?? []),
            StringComparer.Ordinal))
    {
        VirtualServerInputs = virtualServers.Inputs(),
    };

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
        node.Spec?.Unschedulable ?? false);

    private void Bump(bool relevant)
    {
        if (relevant)
        {
            Interlocked.Increment(ref planInputsVersion);
        }
    }
}
