using System.Net;
using System.Net.Sockets;

namespace KeepOperator.Operator.LoadBalancer;

/// <summary>The words Services and their VirtualIps carry: our class, the annotations a user sets, our labels.</summary>
public static class LoadBalancerNames
{
    /// <summary>spec.loadBalancerClass of the Services we serve.</summary>
    public const string Class = "keepoperator.io/vrrp";

    public const string PoolAnnotation = "keepoperator.io/address-pool";
    public const string AddressesAnnotation = "keepoperator.io/loadBalancerIPs";
    public const string SharingAnnotation = "keepoperator.io/allow-shared-ip";

    /// <summary>On the VirtualIps made for Services: which pool, and (annotation) which Services use the address.</summary>
    public const string PoolLabel = "keepoperator.io/pool";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "keepoperator-loadbalancer";
    public const string ServicesAnnotation = "keepoperator.io/services";

    /// <summary>
    /// One VirtualIp per address: "lb-192-0-2-10", and for IPv6 the full form ("lb-2001-0db8-0000-...-0010") so the
    /// name never holds "--" runs or ends in "-".
    /// </summary>
    public static string VirtualIpName(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return "lb-" + address.ToString().Replace('.', '-');
        }
        var bytes = address.GetAddressBytes();
        return "lb-" + string.Join('-', Enumerable.Range(0, 8).Select(i => System.Convert.ToHexStringLower(bytes, i * 2, 2)));
    }
}
