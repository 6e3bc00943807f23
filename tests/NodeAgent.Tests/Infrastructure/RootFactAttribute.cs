using Xunit;
namespace KeepOperator.NodeAgent.Tests.Infrastructure;

/// <summary>
/// A fact that needs root and iproute2 (it makes network namespaces and raw sockets); skipped otherwise,
/// with the reason in the skip message.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        string? reason = MissingPrerequisite();
        if (reason is not null)
        {
            Skip = reason;
        }
    }

    public static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux";
        }
        if (!Environment.IsPrivilegedProcess)
        {
            return "needs root (creates network namespaces and raw sockets)";
        }
        if (TestNetworkNamespaces.FindOnPath("ip") is null)
        {
            return "needs iproute2 (the ip command)";
        }
        return null;
    }
}
