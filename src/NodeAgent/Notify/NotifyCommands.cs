using System.Globalization;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Notify;

/// <summary>
/// Pure: the programs to run for one transition, as keepalived runs them: the state's own script (notify_master,
/// notify_backup, notify_fault, notify_stop) as written, then the generic one with "INSTANCE name STATE priority"
/// appended.
/// </summary>
public static class NotifyCommands
{
    /// <param name="to">The state entered; Initialize is the instance stopping (STOP).</param>
    /// <param name="priority">The effective priority at the transition.</param>
    public static IReadOnlyList<IReadOnlyList<string>> For(string instance, VrrpState to, int priority, NotifySettings? notify)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (notify is null)
        {
            return [];
        }

        var (own, word) = to switch
        {
            VrrpState.Master => (notify.Master, "MASTER"),
            VrrpState.Backup => (notify.Backup, "BACKUP"),
            VrrpState.Fault => (notify.Fault, "FAULT"),
            _ => (notify.Stop, "STOP"),
        };
        var commands = new List<IReadOnlyList<string>>(2);
        if (own is { Count: > 0 })
        {
            commands.Add(own);
        }

        if (notify.Any is { Count: > 0 } any)
        {
            commands.Add([.. any, "INSTANCE", instance, word, priority.ToString(CultureInfo.InvariantCulture)]);
        }

        return commands;
    }
}
