namespace KeepOperator.Api.Instances;

/// <summary>What the operator knows for a unicast VirtualIp on one node: the node's name and every eligible node (itself included).</summary>
public sealed record UnicastNodes(string Self, IReadOnlyList<NodeAddresses> Eligible);
