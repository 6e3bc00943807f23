using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using KeepOperator.Api.Logging;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// Runs work only while holding a coordination.k8s.io Lease (KubernetesClient's LeaderElector), so two replicas can
/// run with one active. On shutdown the work finishes first, then the lease is released so the other replica takes
/// over at once instead of after the lease duration.
/// </summary>
public sealed class LeaseLeaderElection(IKubernetes client, LeaderElectionSettings settings, StructuredLog log)
{
    private volatile bool leading;

    public bool IsLeading => leading;

    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken shutdown)
    {
        var leaseLock = new TransportTolerantLock(new LeaseLock(client, settings.Namespace, settings.LeaseName, settings.Identity));
        while (!shutdown.IsCancellationRequested)
        {
            using var stopElecting = new CancellationTokenSource();
            using var stopLeading = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
            using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
            {
                LeaseDuration = settings.LeaseDuration,
                RenewDeadline = settings.RenewDeadline,
                RetryPeriod = settings.RetryPeriod,
            });
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            elector.OnStartedLeading += () => started.TrySetResult();
            elector.OnStoppedLeading += () =>
            {
                if (leading)
                {
                    log.Warn("leadership_lost", ("lease", settings.LeaseName), ("identity", settings.Identity));
                    stopLeading.Cancel();
                }
            };
            var electing = elector.RunUntilLeadershipLostAsync(stopElecting.Token);
            var first = await Task.WhenAny(started.Task, electing, Task.Delay(Timeout.Infinite, shutdown));
            if (first == started.Task)
            {
                leading = true;
                log.Info("leading", ("lease", $"{settings.Namespace}/{settings.LeaseName}"), ("identity", settings.Identity));
                try
                {
                    await whileLeading(stopLeading.Token);
                }
                finally
                {
                    leading = false;
                }
            }

            await stopElecting.CancelAsync();
            try
            {
                await electing;
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e)
            {
                log.Warn("election_failed", ("error", e.Message));
            }

            if (first == started.Task && shutdown.IsCancellationRequested)
            {
                await ReleaseAsync(leaseLock);
            }
            else if (first != started.Task && !shutdown.IsCancellationRequested)
            {
                // the elector gave up without leading (API unreachable): wait before trying again instead of spinning
                await Task.Delay(settings.RetryPeriod, shutdown).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ReleaseAsync(ILock leaseLock)
    {
        try
        {
            using var timeout = new CancellationTokenSource(settings.RenewDeadline);
            var record = await leaseLock.GetAsync(timeout.Token);
            if (record.HolderIdentity != settings.Identity)
            {
                return;
            }

            var now = DateTime.UtcNow;
            await leaseLock.UpdateAsync(
                new LeaderElectionRecord { HolderIdentity = "", LeaseDurationSeconds = 1, AcquireTime = now, RenewTime = now, LeaderTransitions = record.LeaderTransitions },
                timeout.Token);
            log.Info("lease_released", ("lease", settings.LeaseName), ("identity", settings.Identity));
        }
        catch (Exception e)
        {
            log.Warn("lease_release_failed", ("error", e.Message));
        }
    }
}
