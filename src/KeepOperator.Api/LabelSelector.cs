namespace KeepOperator.Api;

/// <summary>metav1.LabelSelector: every matchLabels entry and every matchExpressions requirement must hold.</summary>
public sealed class LabelSelector
{
    public Dictionary<string, string>? MatchLabels { get; set; }

    public List<LabelSelectorRequirement>? MatchExpressions { get; set; }
}

/// <summary>One matchExpressions entry: In and NotIn take values, Exists and DoesNotExist none.</summary>
public sealed class LabelSelectorRequirement
{
    public const string In = "In";
    public const string NotIn = "NotIn";
    public const string Exists = "Exists";
    public const string DoesNotExist = "DoesNotExist";

    public string Key { get; set; } = "";

    public string Operator { get; set; } = "";

    public List<string>? Values { get; set; }
}
