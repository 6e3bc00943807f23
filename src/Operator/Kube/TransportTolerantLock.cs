using System.Net;
using k8s.Autorest;
using k8s.LeaderElection;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// Makes an unreachable API server look like a failed renewal, not the end of leadership. KubernetesClient's
/// LeaderElector retries a renewal until the renew deadline only when the lock answers "no" (false, or an HTTP error
/// status); a connection error (HttpRequestException, a request timeout) escapes and ends leadership at once, so a
/// one-second API server restart restarted the whole controller. client-go keeps leading until the deadline: so do we.
/// </summary>
public sealed class TransportTolerantLock(ILock inner) : ILock
{
    public string Identity => inner.Identity;

    public string Describe() => inner.Describe();

    public async Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            // the elector treats any status but 404 as "could not renew this time": retry after RetryPeriod
            using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            throw new HttpOperationException($"lease {inner.Describe()}: {e.Message}", e)
            {
                Response = new HttpResponseMessageWrapper(unavailable, ""),
            };
        }
    }

    public Task<bool> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        Attempt(() => inner.CreateAsync(record, cancellationToken), cancellationToken);

    public Task<bool> UpdateAsync(LeaderElectionRecord record, CancellationToken cancellationToken = default) =>
        Attempt(() => inner.UpdateAsync(record, cancellationToken), cancellationToken);

    private static async Task<bool> Attempt(Func<Task<bool>> write, CancellationToken cancellationToken)
    {
        try
        {
            return await write().ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            return false;
        }
    }

    private static bool IsTransportFailure(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);
}
