using System.Runtime.InteropServices;

namespace KeepOperator.NodeAgent.Interop;

/// <summary>A Linux system call (or the kernel, through netlink) failed with <see cref="Errno"/>.</summary>
public class LinuxErrorException : IOException
{
    public LinuxErrorException(string operation, int errno)
        : base($"{operation}: {Describe(errno)}") => Errno = errno;

    public LinuxErrorException(string operation, int errno, string? detail)
        : base(detail is null ? $"{operation}: {Describe(errno)}" : $"{operation}: {Describe(errno)} ({detail})") => Errno = errno;

    /// <summary>The positive errno value (ENODEV, EEXIST, ...).</summary>
    public int Errno { get; }

    /// <summary>"strerror text (errno N)".</summary>
    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
