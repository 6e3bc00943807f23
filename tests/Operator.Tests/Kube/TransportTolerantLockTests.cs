using k8s.LeaderElection;
using KeepOperator.Operator.Kube;
using Xunit;

namespace KeepOperator.Operator.Tests.Kube;

/// <summary>
/// KubernetesClient's real LeaderElector over an in-memory lock whose "API server" can be taken away: leadership must
/// survive an outage shorter than the renew deadline and end after a longer one.
/// </summary>
public sealed class TransportTolerantLockTests
{
    private static readonly TimeSpan RenewDeadline = TimeSpan.FromMilliseconds(1500);

    [Fact]
    public async Task Leadership_survives_an_outage_shorter_than_the_renew_deadline()
    {
        var (lost, outage) = await LeadThroughOutage(TimeSpan.FromMilliseconds(700), tolerant: true);
        Assert.False(lost, $"leadership ended during a {outage.TotalMilliseconds} ms outage");
    }

    [Fact]
    public async Task Leadership_ends_when_the_outage_outlasts_the_renew_deadline()
    {
        var (lost, _) = await LeadThroughOutage(TimeSpan.FromMilliseconds(3000), tolerant: true);
        Assert.True(lost);
    }

    [Fact]
    public async Task Without_it_the_elector_gives_up_at_the_first_connection_error()
    {
        // the library behaviour the decorator exists for; if a KubernetesClient update fixes it, this test says so
        var (lost, _) = await LeadThroughOutage(TimeSpan.FromMilliseconds(700), tolerant: false);
        Assert.True(lost);
    }

    private static async Task<(bool Lost, TimeSpan Outage)> LeadThroughOutage(TimeSpan outage, bool tolerant)
    {
        var store = new FlakyLock("op-1");
        using var elector = new LeaderElector(new LeaderElectionConfig(tolerant ? new TransportTolerantLock(store) : store)
        {
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = RenewDeadline,
            RetryPeriod = TimeSpan.FromMilliseconds(100),
        });
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        elector.OnStartedLeading += () => started.TrySetResult();
        elector.OnStoppedLeading += () => stopped.TrySetResult();
        using var cancel = new CancellationTokenSource();
        var run = elector.RunUntilLeadershipLostAsync(cancel.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));

        store.Down = true;
        await Task.WhenAny(stopped.Task, Task.Delay(outage));
        store.Down = false;
        await Task.WhenAny(stopped.Task, Task.Delay(500));
        var lost = stopped.Task.IsCompleted;

        await cancel.CancelAsync();
        await run.ContinueWith(_ => { }, TaskScheduler.Default);
        return (lost, outage);
    }

    /// <summary>A lease kept in memory; while <see cref="Down"/> every call fails as an unreachable server does.</summary>
    private sealed class FlakyLock(string identity) : ILock
    {
        private LeaderElectionRecord? record;

        public volatile bool Down;

        public string Identity => identity;

        public string Describe() => "test/lease";

        public Task<LeaderElectionRecord> GetAsync(CancellationToken cancellationToken = default)
        {
            Fail();
            return Task.FromResult(record is null ? new LeaderElectionRecord() : Copy(record));
        }

        public Task<bool> CreateAsync(LeaderElectionRecord created, CancellationToken cancellationToken = default)
        {
            Fail();
            record = Copy(created);
            return Task.FromResult(true);
        }

        public Task<bool> UpdateAsync(LeaderElectionRecord updated, CancellationToken cancellationToken = default)
        {
            Fail();
            record = Copy(updated);
            return Task.FromResult(true);
        }

        private void Fail()
        {
            if (Down)
            {
                throw new HttpRequestException("Connection refused (127.0.0.1:6443)");
            }
        }

        private static LeaderElectionRecord Copy(LeaderElectionRecord r) => new()
        {
            HolderIdentity = r.HolderIdentity,
            LeaseDurationSeconds = r.LeaseDurationSeconds,
            AcquireTime = r.AcquireTime,
            RenewTime = r.RenewTime,
            LeaderTransitions = r.LeaderTransitions,
        };
    }
}
