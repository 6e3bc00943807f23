using System.Runtime.InteropServices;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>The few libc calls the harness needs: signals by PID, the effective user, joining a network namespace.</summary>
internal static partial class Native
{
    public const int SIGINT = 2;
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

    private const int CloneNewNet = 0x40000000;

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNsNative(SafeHandle fd, int nstype);

    /// <summary>
    /// Runs <paramref name="create"/> on a thread of its own that joined network namespace <paramref name="ns"/> (setns
    /// changes only the calling thread): a socket made there belongs to that namespace for its whole life, whichever
    /// thread uses it afterwards.
    /// </summary>
    public static T InNamespace<T>(string ns, Func<T> create)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle("/var/run/netns/" + ns);
                if (SetNsNative(handle, CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns {ns}: errno {Marshal.GetLastPInvokeError()}");
                }

                result = create();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("in namespace " + ns, failure);
    }
}
