using KeepOperator.Api;

namespace KeepOperator.Operator.Convert;

/// <summary>One node's vrrp_instance, converted: the shared settings (no priorities yet) and this node's priority.</summary>
public sealed record ConvertedInstance(string InstanceName, string NodeName, int Priority, VirtualIpSpec Spec, SourceLocation Location);
