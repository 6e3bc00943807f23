namespace KeepOperator.Operator.Convert;

/// <summary>What one node's keepalived configuration converts to, before the nodes' files are merged.</summary>
/// <param name="RouterId">global_defs router_id, or the file's name when it has none: the key of --node-name-map.</param>
public sealed record ConvertedFile(string Path, string RouterId, IReadOnlyList<ConvertedInstance> Instances, IReadOnlyList<ConvertedVirtualServer> VirtualServers);
