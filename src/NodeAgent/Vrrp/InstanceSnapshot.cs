namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>One running instance as the node reports it (immutable; taken on the event loop).</summary>
/// <param name="Priority">The configured base priority.</param>
/// <param name="EffectivePriority">After tracking.</param>
/// <param name="LastTransitionTime">When the state last changed; null before the first transition.</param>
/// <param name="Message">The last transition's reason.</param>
/// <param name="OtherMaster">The last other master heard while this one was master; the reader checks it is current.</param>
public sealed record InstanceSnapshot(
    string Name,
    VrrpState State,
    byte Priority,
    byte EffectivePriority,
    DateTimeOffset? LastTransitionTime,
    string? Message,
    OtherMasterSighting? OtherMaster = null);
