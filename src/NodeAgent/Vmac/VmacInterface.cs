using System.Net.Sockets;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Netlink;

namespace KeepOperator.NodeAgent.Vmac;

/// <summary>
/// One instance's VMAC macvlan, which holds its addresses while master. Kept down otherwise: two nodes' VMACs carry the
/// same MAC, and a backup's must neither answer ARP nor send anything from it. Disposing deletes it.
/// </summary>
public sealed class VmacInterface : IDisposable
{
    private readonly IMacvlanLinks _links;

    private VmacInterface(IMacvlanLinks links, NetworkLink link)
    {
        _links = links;
        Link = link;
    }

    /// <summary>The macvlan as created: its index and the virtual router MAC the announcer sends from.</summary>
    public NetworkLink Link { get; }

    /// <summary>Makes the macvlan afresh on <paramref name="parent"/> (a leftover of a killed run is replaced) and sets its ARP sysctls.</summary>
    public static VmacInterface Create(IMacvlanLinks links, VmacSettings settings, NetworkLink parent, byte virtualRouterId, AddressFamily family, Action<IReadOnlyList<(string, string)>> applySysctls)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(applySysctls);
        var link = links.Create(parent.Index, settings.InterfaceName, VmacSettings.VirtualRouterMac(virtualRouterId, family));
        try
        {
            applySysctls(VmacSysctls.For(parent.Name, link.Name));
        }
        catch
        {
            links.Delete(link.Index);
            throw;
        }

        return new VmacInterface(links, link);
    }

    public void SetUp(bool up) => _links.SetUp(Link.Index, up);

    public void Dispose() => _links.Delete(Link.Index);
}
