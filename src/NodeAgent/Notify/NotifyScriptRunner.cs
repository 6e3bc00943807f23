using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using KeepOperator.Api.Instances;
using KeepOperator.Api.Logging;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Notify;

/// <summary>
/// Runs notify scripts off the VRRP event loop: <see cref="Notify"/> only queues them on the thread pool, so a slow or
/// hung script can never delay an advertisement. At most <c>maxConcurrent</c> run at once (a flapping instance must not
/// fork without bound); each is sent SIGTERM at its timeout and SIGKILL (with its children) if it still runs a grace
/// period later, as keepalived does. Every outcome is logged as event=notify.
/// </summary>
public sealed partial class NotifyScriptRunner
{
    private const int SigTerm = 15;

    private readonly StructuredLog _log;
    private readonly SemaphoreSlim _slots;
    private readonly TimeSpan _killGrace;
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <param name="killGrace">Between SIGTERM and SIGKILL.</param>
    public NotifyScriptRunner(StructuredLog log, int maxConcurrent = 4, TimeSpan? killGrace = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        _log = log;
        _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
        _killGrace = killGrace ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>Queues the transition's scripts and returns at once; safe from any thread.</summary>
    public void Notify(string instance, VrrpState to, int priority, NotifySettings? notify)
    {
        foreach (var argv in NotifyCommands.For(instance, to, priority, notify))
        {
            Start(instance, argv, notify!.Timeout);
        }
    }

    /// <summary>Queues one script and returns at once; the task ends when it has exited or been killed.</summary>
    public Task Start(string instance, IReadOnlyList<string> argv, TimeSpan timeout)
    {
        var task = Task.Run(() => RunAsync(instance, argv, timeout));
        _running[task] = 0;
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
        return task;
    }

    /// <summary>Waits for the scripts still running (notify_stop on shutdown), at most their timeout plus the grace.</summary>
    public Task DrainAsync() => Task.WhenAll(_running.Keys);

    private async Task RunAsync(string instance, IReadOnlyList<string> argv, TimeSpan timeout)
    {
        await _slots.WaitAsync().ConfigureAwait(false);
        try
        {
            await RunOneAsync(instance, argv, timeout).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a script's failure is logged; it must not take the agent down
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _log.Error("notify", ("instance", instance), ("script", argv[0]), ("error", ex.Message));
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task RunOneAsync(string instance, IReadOnlyList<string> argv, TimeSpan timeout)
    {
        // No shell: the arguments reach the program as split, so an instance name cannot inject anything.
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            _log.Error("notify", ("instance", instance), ("script", argv[0]), ("error", ex.Message));
            return;
        }

        using (var deadline = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
                var level = process.ExitCode == 0 ? (Action<string, (string, object?)[]>)_log.Info : _log.Warn;
                level("notify", [("instance", instance), ("script", argv[0]), ("exit", process.ExitCode)]);
                return;
            }
            catch (OperationCanceledException)
            {
                // Timed out: below.
            }
        }

        _ = Kill(process.Id, SigTerm);
        using (var grace = new CancellationTokenSource(_killGrace))
        {
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        _log.Warn("notify", ("instance", instance), ("script", argv[0]), ("exit", "timeout"), ("timeout", timeout));
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
