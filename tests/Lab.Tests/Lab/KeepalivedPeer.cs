namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// Debian's keepalived (2.2.7) in one lab node, VRRP only, in the foreground:
/// <c>keepalived -n -l -G -R -P -f CONF -p PID -r VRRPPID</c> (-R: no respawn, so a killed VRRP child stays dead).
/// keepalived forks a VRRP child that does the work; <see cref="Kill9"/> kills that child first so no priority-0
/// advert goes out, then the parent.
/// </summary>
public sealed class KeepalivedPeer : IVrrpPeer
{
    private KeepalivedPeer(LabNode node, LabProcess process, string conf)
    {
        Node = node;
        Process = process;
        ConfigFile = conf;
    }

    public string Kind => "keepalived";

    public LabNode Node { get; }

    public LabProcess Process { get; }

    public string ConfigFile { get; }

    public string VrrpPidFile => ConfigFile + ".vrrp.pid";

    /// <summary>The VRRP child's PID (0 if it has not written its pid file yet).</summary>
    public int VrrpPid { get; private set; }

    public bool HasExited => Process.HasExited;

    public int MasterEntries => Process.AllLines.Count(l => l.Contains("Entering MASTER STATE", StringComparison.Ordinal));

    public int MasterExits => CountExits(Process.AllLines);

    public static string? Executable => Sh.Which("keepalived");

    public static KeepalivedPeer Start(LabNetwork lab, LabNode node, params VipSpec[] specs)
    {
        var name = lab.UniqueName($"{node.Name}-keepalived");
        var conf = lab.WriteFile(name + ".conf", VipSpec.ToKeepalivedConf(node.Name, specs));
        var exe = Executable ?? throw new InvalidOperationException("keepalived is not installed");
        var p = lab.Start(node, name, exe, ["-n", "-l", "-G", "-R", "-P", "-f", conf, "-p", conf + ".pid", "-r", conf + ".vrrp.pid"]);
        var peer = new KeepalivedPeer(node, p, conf);
        var took = Wait.Until(() => peer.ReadVrrpPid() || p.HasExited, TimeSpan.FromSeconds(10));
        if (peer.VrrpPid == 0)
        {
            throw new InvalidOperationException($"keepalived on {node.Name} did not start its VRRP child (exit {p.ExitCode}): " + string.Join("\n", p.Lines.Concat(p.ErrorLines)));
        }

        lab.TrackPid(peer.VrrpPid);
        lab.Log($"keepalived on {node.Name}: parent {p.Pid}, vrrp child {peer.VrrpPid} (after {took?.TotalMilliseconds:0} ms)");
        return peer;
    }

    public void Kill9()
    {
        if (VrrpPid != 0)
        {
            Native.Signal(VrrpPid, Native.SIGKILL);
        }

        Process.Signal(Native.SIGKILL);
        Process.WaitForExit(TimeSpan.FromSeconds(5));
    }

    public void Term() => Process.Signal(Native.SIGTERM);

    public bool WaitForExit(TimeSpan timeout) => Process.WaitForExit(timeout);

    public override string ToString() => $"keepalived on {Node.Name}";

    private static int CountExits(IReadOnlyList<string> lines)
    {
        // Leaving master is logged as "Entering BACKUP STATE" or "Entering FAULT STATE" after a "Entering MASTER STATE".
        var inMaster = false;
        var exits = 0;
        foreach (var l in lines)
        {
            if (l.Contains("Entering MASTER STATE", StringComparison.Ordinal))
            {
                inMaster = true;
            }
            else if (inMaster && (l.Contains("Entering BACKUP STATE", StringComparison.Ordinal) || l.Contains("Entering FAULT STATE", StringComparison.Ordinal)))
            {
                inMaster = false;
                exits++;
            }
        }

        return exits;
    }

    private bool ReadVrrpPid()
    {
        try
        {
            if (File.Exists(VrrpPidFile) && int.TryParse(File.ReadAllText(VrrpPidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var pid) && pid > 0)
            {
                VrrpPid = pid;
                return true;
            }
        }
        catch (IOException)
        {
        }

        return false;
    }
}
