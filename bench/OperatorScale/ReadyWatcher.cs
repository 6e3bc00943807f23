using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using KeepOperator.Api;

namespace KeepOperator.Bench.OperatorScale;

/// <summary>Watches VirtualIps and notes when each first shows Ready=True (on a Stopwatch timeline), and each one's latest Ready reason.</summary>
internal sealed class ReadyWatcher(IKubernetes client, Stopwatch clock)
{
    public ConcurrentDictionary<string, TimeSpan> ReadyAt { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string> ReadyReason { get; } = new(StringComparer.Ordinal);

    public Task RunAsync(CancellationToken cancellationToken) =>
        ListThenWatch.RunAsync(client, VirtualIp.Plural, ApiJsonContext.Default.VirtualIp, (_, vip) => Note(vip), cancellationToken);

    private void Note(VirtualIp vip)
    {
        if (vip.Metadata.Name is not { } name || vip.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready") is not { } ready)
        {
            return;
        }

        ReadyReason[name] = ready.Reason ?? "";
        if (ready.Status == "True")
        {
            ReadyAt.TryAdd(name, clock.Elapsed);
        }
    }
}
