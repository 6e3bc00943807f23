namespace KeepOperator.Api.Instances;

/// <summary>One transition webhook resolved: defaults applied, a Secret reference's namespace always set (its value stays in the Secret).</summary>
public sealed record WebhookSettings
{
    /// <summary>The URL given inline; null when it is read from <see cref="UrlSecretRef"/>.</summary>
    public string? Url { get; init; }

    public SecretKeySelector? UrlSecretRef { get; init; }

    /// <summary>PEM certificates trusted instead of the system's; null: the system's.</summary>
    public string? CaBundle { get; init; }

    /// <summary>Per attempt.</summary>
    public required TimeSpan Timeout { get; init; }

    public required int Attempts { get; init; }
}
