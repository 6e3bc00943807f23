namespace KeepOperator.Api.Vocabulary;

/// <summary>The reasons of a VirtualIp's conditions, by condition type.</summary>
public static class VirtualIpReasons
{
    // Ready
    public const string MasterElected = "MasterElected";
    public const string MultipleMasters = "MultipleMasters";
    public const string NoMaster = "NoMaster";
    public const string NoEligibleNodes = "NoEligibleNodes";

    // Invalid
    public const string Valid = "Valid";
    public const string InvalidSpec = "InvalidSpec";

    // Conflict
    public const string NoConflict = "NoConflict";
    public const string VirtualRouterIdInUse = "VirtualRouterIdInUse";
    public const string NoFreeVirtualRouterId = "NoFreeVirtualRouterId";
    public const string ForeignVirtualRouterId = "ForeignVirtualRouterId";

    // SecretMissing
    public const string SecretFound = "SecretFound";
    public const string SecretNotFound = "SecretNotFound";

    // PreferredMaster
    public const string PriorityRaised = "PriorityRaised";
    public const string NodeCordoned = "NodeCordoned";
    public const string NodeNotEligible = "NodeNotEligible";
    public const string PreemptDisabled = "PreemptDisabled";

    // SyncGroupRefused
    public const string MembersAgree = "MembersAgree";
    public const string MembersDisagree = "MembersDisagree";

    // TrackFailing
    public const string PodsReady = "PodsReady";
    public const string NoReadyPod = "NoReadyPod";
}
