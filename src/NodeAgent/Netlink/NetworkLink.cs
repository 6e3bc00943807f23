using System.Net.NetworkInformation;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>
/// One network interface as the kernel lists it (RTM_NEWLINK). <paramref name="IsUp"/> is keepalived's test:
/// administratively up (IFF_UP) and operationally running (IFF_RUNNING, i.e. carrier and not dormant).
/// <paramref name="HardwareAddress"/> is <see cref="PhysicalAddress.None"/> for links without one (loopback has all zeros).
/// </summary>
public sealed record NetworkLink(int Index, string Name, PhysicalAddress HardwareAddress, bool IsUp);

/// <summary>Interface lookups by name and index.</summary>
public interface INetworkLinks
{
    IReadOnlyList<NetworkLink> List();

    /// <summary>The link called <paramref name="name"/>, or null when there is none.</summary>
    NetworkLink? Find(string name);

    /// <summary>The link with index <paramref name="index"/>, or null when there is none.</summary>
    NetworkLink? Find(int index);
}
