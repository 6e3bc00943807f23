namespace KeepOperator.Operator.Reconcile;

/// <summary>The VirtualIp condition types the operator writes.</summary>
public static class ConditionTypes
{
    /// <summary>True when exactly one live node reports Master.</summary>
    public const string Ready = "Ready";

    /// <summary>True when another VirtualIp on the same segment uses the same VRID (neither is given to agents).</summary>
    public const string Conflict = "Conflict";

    /// <summary>True when VirtualIpValidator refuses the spec (not given to agents).</summary>
    public const string Invalid = "Invalid";

    /// <summary>Present only with a passwordSecretRef: True when the Secret or its key is missing (not given to agents).</summary>
    public const string SecretMissing = "SecretMissing";

    /// <summary>Present only with the preferred-master annotation: whether the preferred node was raised above the others.</summary>
    public const string PreferredMaster = "PreferredMaster";

    /// <summary>Present only with a pods track: True while some node has no Ready pod for one (the message says which and the effect).</summary>
    public const string TrackFailing = "TrackFailing";
}
