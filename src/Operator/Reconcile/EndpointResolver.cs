using System.Globalization;
using System.Net;
using System.Net.Sockets;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// A VirtualServer's serviceRef to real servers, as kube-proxy reads a Service: the Service port named (or numbered)
/// by serviceRef.port, default the first; by number or by default, one of the virtual server's protocol comes first
/// (DNS's TCP 53 and UDP 53 are two ports of one number, often with different target ports); the EndpointSlices labelled with the Service's name; in each, the slice port
/// with that Service port's name and protocol gives the target port; every endpoint not known to be unready
/// (conditions.ready absent counts as ready, as the API documents) contributes its addresses of the wanted family.
/// </summary>
public static class EndpointResolver
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public static EndpointResolution Resolve(
        string ns,
        ServiceReference serviceRef,
        string? protocol,
        AddressFamily family,
        IReadOnlyDictionary<string, V1Service> services,
        ILookup<string, V1EndpointSlice> slicesByService)
    {
        var id = ObjectKey.Of(ns, serviceRef.Name);
        if (!services.TryGetValue(id, out var service))
        {
            return new([], new(ConditionTypes.Ready, false, VirtualServerReasons.ServiceNotFound, $"Service {id} (spec.serviceRef) not found"));
        }

        var ports = (service.Spec?.Ports ?? []).OrderBy(p => protocol is not null && Protocol(p.Protocol) != protocol).ToList(); // stable: the protocol's first
        var port = serviceRef.Port is null
            ? ports.FirstOrDefault()
            : int.TryParse(serviceRef.Port, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? ports.FirstOrDefault(p => p.Port == number)
                : ports.FirstOrDefault(p => p.Name == serviceRef.Port);
        if (port is null)
        {
            var wanted = serviceRef.Port is null ? "any port" : $"port \"{serviceRef.Port}\"";
            return new([], new(ConditionTypes.Ready, false, VirtualServerReasons.ServicePortNotFound, $"Service {id} has no {wanted} (spec.serviceRef.port)"));
        }

        var servers = new List<RealServer>();
        foreach (var slice in slicesByService[id])
        {
            var slicePort = slice.Ports?.FirstOrDefault(p => (p.Name ?? "") == (port.Name ?? "") && Protocol(p.Protocol) == Protocol(port.Protocol));
            if (slicePort?.Port is not { } targetPort)
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (endpoint.Conditions?.Ready == false)
                {
                    continue;
                }

                foreach (var text in endpoint.Addresses ?? [])
                {
                    if (IPAddress.TryParse(text, out var address) && address.AddressFamily == family)
                    {
                        servers.Add(new RealServer { Address = address.ToString(), Port = targetPort });
                    }
                }
            }
        }

        return new(servers, null);
    }

    /// <summary>The Service an EndpointSlice belongs to (its kubernetes.io/service-name label), null for none.</summary>
    public static string? ServiceOf(V1EndpointSlice? slice) =>
        slice?.Metadata?.Labels is { } labels && labels.TryGetValue(ServiceNameLabel, out var service) ? service : null;

    private static string Protocol(string? protocol) => protocol ?? "TCP";
}
