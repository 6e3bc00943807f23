using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Operator.Reconcile;

namespace KeepOperator.Operator.Tests;

/// <summary>Small builders for VirtualServers, Services and EndpointSlices.</summary>
internal static class VirtualServerObjects
{
    public static VirtualServer Vs(
        string name,
        string vip = "web",
        int port = 80,
        string? service = null,
        string? servicePort = null,
        string? address = null,
        params (string Address, int? Port, int? Weight)[] realServers) => new()
        {
            Metadata = new ObjectMeta { Name = name, Namespace = "default", Generation = 3 },
            Spec = new VirtualServerSpec
            {
                VirtualIpRef = vip,
                Address = address,
                Port = port,
                ServiceRef = service is null ? null : new ServiceReference { Name = service, Port = servicePort },
                RealServers = realServers.Length == 0 ? null : realServers.Select(r => new RealServer { Address = r.Address, Port = r.Port, Weight = r.Weight }).ToList(),
            },
        };

    public static V1Service Service(string name, params (string? Name, int Port)[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        Spec = new V1ServiceSpec { Ports = ports.Select(p => new V1ServicePort { Name = p.Name, Port = p.Port, Protocol = "TCP" }).ToList() },
    };

    /// <summary>A slice of <paramref name="service"/> with one port and endpoints (address, ready; null: condition absent).</summary>
    public static V1EndpointSlice Slice(string name, string service, string? portName, int targetPort, string addressType = "IPv4", params (string Address, bool? Ready)[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Labels = new Dictionary<string, string> { [EndpointResolver.ServiceNameLabel] = service } },
        AddressType = addressType,
        Ports = [new Discoveryv1EndpointPort { Name = portName, Port = targetPort, Protocol = "TCP" }],
        Endpoints = endpoints.Select(e => new V1Endpoint { Addresses = [e.Address], Conditions = new V1EndpointConditions { Ready = e.Ready } }).ToList(),
    };
}
