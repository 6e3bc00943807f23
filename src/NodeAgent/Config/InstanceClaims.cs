using System.Net;
using System.Net.Sockets;
using KeepOperator.Api;

namespace KeepOperator.NodeAgent.Config;

/// <summary>
/// What the instances of one node hold: one VRRP router per (interface, family, VRID) and one instance per virtual
/// address. The first claim wins; a later one gets the error, naming the holder. Cluster and standalone configurations
/// both check their instances through this.
/// </summary>
public sealed class InstanceClaims
{
    private readonly Dictionary<(int Interface, AddressFamily Family, byte Vrid), string> _routers = [];
    private readonly Dictionary<IPAddress, string> _addresses = [];

    /// <param name="holder">How errors name this instance to a later one (e.g. its name, or its document).</param>
    /// <returns>Null when the instance now holds its router and addresses; otherwise why it cannot.</returns>
    public FieldError? Claim(VrrpInstanceSettings settings, string holder)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var key = (settings.InterfaceIndex, settings.Router.PrimaryAddress.AddressFamily, settings.Router.VirtualRouterId);
        if (_routers.TryGetValue(key, out var other))
        {
            return new("spec.virtualRouterId", $"VRID {key.VirtualRouterId} is already used on {settings.InterfaceName} by {other}");
        }

        for (var i = 0; i < settings.VirtualAddresses.Count; i++)
        {
            if (_addresses.TryGetValue(settings.VirtualAddresses[i].Address, out var owner))
            {
                return new($"spec.addresses[{i}]", $"{settings.VirtualAddresses[i].Address} is already held by {owner}");
            }
        }

        _routers.Add(key, holder);
        foreach (var address in settings.VirtualAddresses)
        {
            _addresses.Add(address.Address, holder);
        }

        return null;
    }
}
