namespace KeepOperator.Api.Services;

/// <summary>How a virtual server checks its real servers, defaults applied: keepalived's TCP_CHECK or HTTP_GET block.</summary>
/// <remarks>A value record: two resolutions of an unchanged spec are equal, which is what keeps a real server's check
/// (and its health) running across a configuration change.</remarks>
/// <param name="Port">The port to check; null: the real server's own.</param>
/// <param name="Http">Null for a TCP connect check.</param>
/// <param name="Retries">keepalived's retry: an up server goes down on the (Retries+1)th failure in a row.</param>
public sealed record RealServerCheckSettings(
    int? Port,
    HttpCheckSettings? Http,
    TimeSpan ConnectTimeout,
    TimeSpan Interval,
    int Retries,
    TimeSpan DelayBeforeRetry);
