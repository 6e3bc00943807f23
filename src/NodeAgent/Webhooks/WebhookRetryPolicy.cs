using System.Net;

namespace KeepOperator.NodeAgent.Webhooks;

/// <summary>Pure: whether a failed attempt is tried again, and after how long.</summary>
public static class WebhookRetryPolicy
{
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(500);

    /// <summary>A cap, so that ten attempts wait at most a couple of minutes in all.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based): 500 ms, 1 s, 2 s ... at most 30 s.</summary>
    public static TimeSpan Backoff(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var doublings = Math.Min(attempt - 1, 16);
        var delay = FirstBackoff * (1L << doublings);
        return delay < MaxBackoff ? delay : MaxBackoff;
    }

    /// <summary>
    /// After attempt <paramref name="attempt"/> of <paramref name="attempts"/> ended with <paramref name="status"/> (null: no
    /// answer, a timeout or a transport error): another try for no answer, 408, 429 and 5xx; any other status is the
    /// endpoint's verdict and trying again would get the same.
    /// </summary>
    public static bool ShouldRetry(HttpStatusCode? status, int attempt, int attempts) =>
        attempt < attempts && (status is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500);
}
