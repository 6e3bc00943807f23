using KeepOperator.Api;

namespace KeepOperator.Operator.Reconcile;

/// <summary>The object an Event is about (its involvedObject); <paramref name="Namespace"/> is null for a cluster-scoped one.</summary>
public sealed record EventSubject(string ApiVersion, string Kind, string? Namespace, string Name, string? Uid, string? ResourceVersion)
{
    public static EventSubject Of(VirtualIp vip) =>
        new(VirtualIp.GroupVersion, VirtualIp.KindName, null, vip.Metadata.Name ?? "", vip.Metadata.Uid, vip.Metadata.ResourceVersion);

    public static EventSubject OfService(string ns, string name, string? uid) => new("v1", "Service", ns, name, uid, null);

    public static EventSubject Of(VirtualServer server) =>
        new(VirtualIp.GroupVersion, VirtualServer.KindName, server.Metadata.Namespace, server.Metadata.Name ?? "", server.Metadata.Uid, server.Metadata.ResourceVersion);
}
