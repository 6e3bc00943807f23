namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// Runs the agent and the operator as the chart's securityContexts ask (deploy/helm/keepoperator/values.yaml), with
/// util-linux's <c>unshare</c> and <c>setpriv</c> in front of the command: a private mount namespace whose mounts are
/// all remounted read-only but /proc and /dev (readOnlyRootFilesystem; /proc/sys read-only too, as container runtimes
/// mount it for a pod that is not privileged), then the capability sets cut down and no_new_privs set. The agent keeps
/// uid 0 with only NET_ADMIN and NET_RAW (bounding, inheritable, ambient, hence permitted and effective: drop ALL, add
/// the two); the operator runs as uid and gid 1654 with no capability at all and a writable /tmp (the chart's emptyDir).
/// The prefixes exec each other, so the process the lab tracks is the program itself.
/// </summary>
public static class LeastPrivilege
{
    public const int OperatorUid = 1654;

    /// <summary>CAP_NET_ADMIN (12) and CAP_NET_RAW (13) as /proc/PID/status prints a capability set.</summary>
    public const string AgentCapabilities = "0000000000003000";

    public const string NoCapabilities = "0000000000000000";

    private const string AgentCaps = "-all,+net_admin,+net_raw";

    public static IReadOnlyList<string> Agent => AgentPrefix(procSysWritable: false);

    /// <summary>
    /// The agent's prefix with /proc/sys writable, as a runtime leaves it only for a privileged container, the
    /// capabilities still cut to the two: what VMAC's sysctl writes need beyond them.
    /// </summary>
    public static IReadOnlyList<string> AgentWithWritableProcSys => AgentPrefix(procSysWritable: true);

    private static IReadOnlyList<string> AgentPrefix(bool procSysWritable) =>
    [
        .. ReadOnlyRoot(writable: procSysWritable ? ["/proc/sys"] : []),
        "setpriv", "--inh-caps=" + AgentCaps, "--ambient-caps=" + AgentCaps, "--bounding-set=" + AgentCaps, "--no-new-privs", "--",
    ];

    public static IReadOnlyList<string> Operator =>
    [
        .. ReadOnlyRoot(writable: ["/tmp"]),
        "setpriv", $"--reuid={OperatorUid}", $"--regid={OperatorUid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
    ];

    /// <summary>The fields of /proc/PID/status (Uid, Gid, CapEff, CapBnd, NoNewPrivs, ...) of a running process.</summary>
    public static IReadOnlyDictionary<string, string> Status(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Select(l => l.Split(':', 2)).Where(f => f.Length == 2)
            .ToDictionary(f => f[0], f => f[1].Trim(), StringComparer.Ordinal);

    /// <summary>The mount options of <paramref name="mountPoint"/> as the process sees it (/proc/PID/mountinfo), e.g. "ro,relatime".</summary>
    public static string? MountOptions(int pid, string mountPoint) =>
        File.ReadLines($"/proc/{pid}/mountinfo").Select(l => l.Split(' ')).LastOrDefault(f => f.Length > 5 && f[4] == mountPoint)?[5];

    /// <summary><paramref name="file"/> and <paramref name="args"/> behind <paramref name="prefix"/> (none: as they are).</summary>
    public static (string File, IEnumerable<string> Args) Wrap(IReadOnlyList<string> prefix, string file, IEnumerable<string> args) =>
        prefix.Count == 0 ? (file, args) : (prefix[0], [.. prefix.Skip(1), file, .. args]);

    /// <summary>
    /// unshare -m, then a shell that binds /proc/sys and each of <paramref name="writable"/> onto itself (its own mount),
    /// remounts every mount read-only but those in <paramref name="writable"/>, /proc and /dev, and execs the rest.
    /// </summary>
    private static string[] ReadOnlyRoot(string[] writable) =>
    [
        "unshare", "--mount", "--propagation", "private", "sh", "-ec",
        string.Concat(writable.Select(w => $"mount --bind {w} {w}\n"))
        + (writable.Contains("/proc/sys") ? "" : "mount --bind /proc/sys /proc/sys\n")
        + "for m in $(awk '{print $2}' /proc/self/mounts | sort -u); do\n"
        + "  case \"$m\" in " + string.Join('|', writable.Append("/proc").Append("/dev").Append("/dev/*")) + ") ;;\n"
        + "  *) mount -o remount,bind,ro \"$m\" 2>/dev/null || true ;;\n"
        + "  esac\n"
        + "done\n"
        + "exec \"$@\"",
        "least-privilege",
    ];
}
