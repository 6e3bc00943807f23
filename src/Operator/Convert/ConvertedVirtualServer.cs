using KeepOperator.Api;

namespace KeepOperator.Operator.Convert;

/// <summary>One node's virtual_server block, converted; <see cref="VirtualServerSpec.VirtualIpRef"/> is set when merging.</summary>
/// <param name="Address">The virtual address; null for a firewall-mark virtual server.</param>
public sealed record ConvertedVirtualServer(string? Address, VirtualServerSpec Spec, SourceLocation Location);
