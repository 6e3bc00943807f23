namespace KeepOperator.Api.Vocabulary;

/// <summary>The annotation keys users put on our objects.</summary>
public static class Annotations
{
    /// <summary>On a VirtualIp: the node that should be master (raised above the others while eligible).</summary>
    public const string PreferredMaster = "keepoperator.io/preferred-master";
}
