namespace KeepOperator.NodeAgent.Webhooks;

/// <summary>One VRRP transition as webhooks are told of it; states by their status names (Master, Backup, Fault, Stopped).</summary>
public sealed record TransitionNotice(string VirtualIp, string Node, string From, string To, int Priority, string Reason, DateTimeOffset Time);
