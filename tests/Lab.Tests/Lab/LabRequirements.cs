using Xunit;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>Why lab tests cannot run here (null when they can): Linux, root, iproute2, keepalived, namespaces usable.</summary>
public static class LabRequirements
{
    private static readonly Lazy<string?> s_skip = new(Compute);

    public static string? SkipReason => s_skip.Value;

    private static string? Compute()
    {
        if (Environment.GetEnvironmentVariable("KEEPOPERATOR_LAB_SKIP") == "1")
        {
            return "KEEPOPERATOR_LAB_SKIP=1";
        }

        if (!OperatingSystem.IsLinux())
        {
            return "lab tests need Linux network namespaces";
        }

        if (!Native.IsRoot)
        {
            return "lab tests need root (network namespaces, raw VRRP sockets): run them as root";
        }

        if (Sh.Which("ip") is null)
        {
            return "iproute2 (ip) is not installed";
        }

        if (Sh.Which("ping") is null)
        {
            return "ping is not installed (apt-get install iputils-ping)";
        }

        if (KeepalivedPeer.Executable is null)
        {
            return "keepalived is not installed (apt-get install keepalived)";
        }

        // Root in a container may still lack CAP_SYS_ADMIN/CAP_NET_ADMIN: try once.
        var probe = $"kolprobe{Environment.ProcessId}";
        var add = Sh.Run("ip", "netns", "add", probe);
        if (!add.Ok)
        {
            return "cannot create a network namespace: " + add.StdErr.Trim();
        }

        var bridge = Sh.Run("ip", "-n", probe, "link", "add", "br0", "type", "bridge");
        Sh.Run("ip", "netns", "del", probe);
        return bridge.Ok ? null : "cannot create a bridge in a network namespace: " + bridge.StdErr.Trim();
    }
}

/// <summary>A [Fact] that is skipped, with the reason, where the lab cannot run.</summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        if (LabRequirements.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A [Theory] that is skipped, with the reason, where the lab cannot run.</summary>
public sealed class LabTheoryAttribute : TheoryAttribute
{
    public LabTheoryAttribute()
    {
        if (LabRequirements.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>All lab tests run one after the other (timing assertions; CPU contention would blur them).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LabCollection
{
    public const string Name = "Lab";
}
