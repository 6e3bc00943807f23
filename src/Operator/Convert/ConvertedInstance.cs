using KeepOperator.Api;

namespace KeepOperator.Operator.Convert;

/// <summary>One node's vrrp_instance, converted: the settings shared by the group (no priorities yet) and this node's priority.</summary>
public sealed record ConvertedInstance(string InstanceName, int Priority, VirtualIpSpec Spec, SourceLocation Location);
