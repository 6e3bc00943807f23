using System.Collections.Concurrent;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Tests.Infrastructure;

/// <summary>
/// A dedicated thread that has joined a named network namespace (setns on /var/run/netns/NAME; setns changes only
/// the calling thread). Sockets created by delegates run here belong to that namespace for their whole life and
/// may then be used from any thread.
/// </summary>
public sealed class NamespaceThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    public NamespaceThread(string namespaceName)
    {
        Name = namespaceName;
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _thread = new Thread(() => Run(namespaceName, joined)) { IsBackground = true, Name = $"netns {namespaceName}" };
        _thread.Start();
        joined.Task.GetAwaiter().GetResult();
    }

    public string Name { get; }

    public T Invoke<T>(Func<T> function)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                result.SetResult(function());
            }
            catch (Exception e)
            {
                result.SetException(e);
            }
        });
        return result.Task.GetAwaiter().GetResult();
    }

    public void Invoke(Action action) => Invoke(() =>
    {
        action();
        return true;
    });

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }

    private unsafe void Run(string namespaceName, TaskCompletionSource joined)
    {
        try
        {
            using (var ns = File.OpenHandle($"/var/run/netns/{namespaceName}"))
            {
                if (setns((int)ns.DangerousGetHandle(), CLONE_NEWNET) != 0)
                {
                    throw new IOException($"setns({namespaceName}) failed: errno {errno}");
                }
            }
            joined.SetResult();
        }
        catch (Exception e)
        {
            joined.SetException(e);
            return;
        }
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }
}
