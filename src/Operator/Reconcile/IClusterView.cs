using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>The informers' caches as the reconciler reads them.</summary>
public interface IClusterView
{
    /// <summary>Changes whenever an input of the plan (VirtualIps, Nodes, Secrets, VirtualServers, Services, EndpointSlices) changes.</summary>
    long PlanInputsVersion { get; }

    ClusterState State();

    VirtualIp? VirtualIp(string name);

    NodeAgentConfig? NodeAgentConfig(string nodeName);

    /// <summary>A VirtualServer by "namespace/name".</summary>
    VirtualServer? VirtualServer(string key);

    bool NodeExists(string nodeName);
}
