namespace KeepOperator.Operator.Convert;

/// <summary>What one node's keepalived configuration converts to, before the nodes' files are merged.</summary>
/// <param name="RouterId">The config id it was read for (conditional lines), else global_defs router_id, else the file's name: the key of --node-name-map.</param>
public sealed record ConvertedFile(string Path, string RouterId, IReadOnlyList<ConvertedInstance> Instances, IReadOnlyList<ConvertedVirtualServer> VirtualServers);
