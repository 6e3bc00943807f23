namespace KeepOperator.NodeAgent.Metrics;

/// <summary>How one transition's webhook delivery ended.</summary>
public enum WebhookResult
{
    /// <summary>The endpoint answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed, or the endpoint refused it (a 4xx other than 408 and 429).</summary>
    Failed,

    /// <summary>Never tried: the queue was full and a newer transition pushed it out.</summary>
    Dropped,
}
