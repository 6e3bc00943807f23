using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>The writes the reconciler makes. Failures throw; the work queue retries the key with backoff.</summary>
public interface IClusterWriter
{
    Task WriteStatusAsync(VirtualIp vip, VirtualIpStatus status, CancellationToken cancellationToken);

    Task WriteVirtualServerStatusAsync(VirtualServer server, VirtualServerStatus status, CancellationToken cancellationToken);

    Task CreateNodeAgentConfigAsync(string nodeName, NodeAgentConfigSpec spec, CancellationToken cancellationToken);

    Task UpdateNodeAgentConfigSpecAsync(NodeAgentConfig existing, NodeAgentConfigSpec spec, CancellationToken cancellationToken);

    Task DeleteNodeAgentConfigAsync(string nodeName, CancellationToken cancellationToken);
}
