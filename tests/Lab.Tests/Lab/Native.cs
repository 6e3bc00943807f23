using System.Runtime.InteropServices;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>The few libc calls the harness needs: signals by PID and the effective user.</summary>
internal static partial class Native
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuidNative();

    /// <summary>Sends <paramref name="signal"/> to exactly one process; false if it is already gone.</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && KillNative(pid, signal) == 0;

    public static bool IsAlive(int pid) => pid > 0 && KillNative(pid, 0) == 0;

    public static bool IsRoot => GetEuidNative() == 0;
}
