using System.Collections.Concurrent;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Nftables;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>A dataplane that records each desired table (and can refuse a number of them first).</summary>
internal sealed class FakeDataplane : ILoadBalancingDataplane
{
    private readonly ConcurrentQueue<IReadOnlyList<LoadBalancedService>> _applied = new();
    private int _calls;

    public DataplaneKind Kind => DataplaneKind.Nftables;

    public int FailuresLeft { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public bool Removed { get; private set; }

    public IReadOnlyList<IReadOnlyList<LoadBalancedService>> Applied => [.. _applied];

    public Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<LoadBalancedService> desired, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (FailuresLeft > 0)
        {
            FailuresLeft--;
            throw new NftablesException(1, "syntax error");
        }

        _applied.Enqueue(desired);
        return Task.FromResult<IReadOnlyList<string>>([]);
    }

    public IReadOnlyCollection<ServiceKey>? RemovedConfigured { get; private set; }

    public Task RemoveAsync(IReadOnlyCollection<ServiceKey> configured, CancellationToken cancellationToken)
    {
        Removed = true;
        RemovedConfigured = configured;
        return Task.CompletedTask;
    }
}
