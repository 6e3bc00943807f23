using System.Threading.Channels;
using KeepOperator.Api;
using KeepOperator.Api.Logging;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>
/// Writes this node's NodeAgentConfig status with a merge patch: shortly after a change (a burst of changes within
/// <see cref="Coalesce"/> becomes one patch) and as a heartbeat every <see cref="Heartbeat"/>. A failed patch is retried
/// until it goes through; the VRRP side never waits for it.
/// </summary>
public sealed class NodeStatusReporter(KubeApiClient client, string nodeName, Func<NodeAgentConfigStatus> build, TimeProvider time, StructuredLog log)
{
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public TimeSpan Coalesce { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry after a failed patch; doubled on every further failure up to <see cref="Heartbeat"/>.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Something the status shows changed; safe from any thread, never blocks.</summary>
    public void Notify() => _changed.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken cancel)
    {
        var path = NodeConfigSource.ObjectPath(nodeName) + "/status";
        var wait = TimeSpan.Zero;
        var failing = false;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                if (await WaitAsync(wait, cancel).ConfigureAwait(false))
                {
                    await Task.Delay(Coalesce, time, cancel).ConfigureAwait(false);
                    _changed.Reader.TryRead(out _); // changes during the pause are in this patch
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await TryPatchAsync(path, cancel).ConfigureAwait(false))
            {
                if (failing)
                {
                    log.Info("kube-status-reported", ("node", nodeName));
                }
                failing = false;
                wait = Heartbeat;
            }
            else
            {
                wait = !failing ? RetryInterval : wait * 2 > Heartbeat ? Heartbeat : wait * 2;
                failing = true;
            }
        }
    }

    /// <summary>One patch now (also the last one at shutdown); false when it failed.</summary>
    public async Task<bool> TryPatchAsync(string path, CancellationToken cancel)
    {
        try
        {
            // False means no object (not created yet, or deleted): nothing to report into, and nothing to retry.
            _ = await client.MergePatchStatusAsync(path, build(), ApiJsonContext.Default.NodeAgentConfigStatus, cancel).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or KubeApiException or IOException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            log.Warn("kube-status-failed", ("node", nodeName), ("error", ex.Message));
            return false;
        }
    }

    /// <summary>True when woken by <see cref="Notify"/>, false when <paramref name="timeout"/> passed.</summary>
    private async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancel)
    {
        if (_changed.Reader.TryRead(out _))
        {
            return true;
        }
        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        bounded.CancelAfter(timeout);
        try
        {
            await _changed.Reader.WaitToReadAsync(bounded.Token).ConfigureAwait(false);
            _changed.Reader.TryRead(out _);
            return true;
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return false;
        }
    }
}
