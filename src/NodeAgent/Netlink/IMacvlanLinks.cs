using System.Net.NetworkInformation;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>Creates, raises and deletes macvlan links (the VMAC interfaces).</summary>
public interface IMacvlanLinks
{
    /// <summary>
    /// Creates the macvlan <paramref name="name"/> (mode private, down) on <paramref name="parentIndex"/> with
    /// <paramref name="address"/>. A link of that name left by a killed earlier run is deleted and made again, so
    /// its parent and MAC are certainly ours.
    /// </summary>
    NetworkLink Create(int parentIndex, string name, PhysicalAddress address);

    void SetUp(int index, bool up);

    /// <summary>Deletes the link; already gone is fine.</summary>
    void Delete(int index);
}
