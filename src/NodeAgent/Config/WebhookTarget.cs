namespace KeepOperator.NodeAgent.Config;

/// <summary>A transition webhook bound on this node: the URL known (read from its Secret in a cluster).</summary>
/// <param name="CaBundle">PEM roots trusted instead of the system's; null: the system's.</param>
public sealed record WebhookTarget(Uri Url, string? CaBundle, TimeSpan Timeout, int Attempts);
