using System.Net;

namespace KeepOperator.Api.Instances;

/// <summary>
/// Pure: a valid VirtualIp to the <see cref="VrrpInstance"/> one node runs. The one place VirtualIp defaults are applied,
/// used by the operator (per node, VRID and priority decided) and by the standalone agent (VRID and priority from the file).
/// The input must have passed <see cref="VirtualIpValidator"/>: this does not check again.
/// </summary>
public static class VirtualIpResolver
{
    /// <param name="virtualRouterId">The spec's, or the one the operator allocated.</param>
    /// <param name="priority">This node's priority (<see cref="PriorityFor"/>, or the operator's decision).</param>
    /// <param name="secretNamespace">The namespace of a passwordSecretRef or urlSecretRef that names none.</param>
    /// <param name="nodes">Cluster: this node's name and the eligible nodes' addresses, where unicast peers come from when the spec lists none.</param>
    public static VrrpInstance Resolve(VirtualIp vip, int virtualRouterId, int priority, string secretNamespace, UnicastNodes? nodes = null)
    {
        ArgumentNullException.ThrowIfNull(vip);
        var spec = vip.Spec;
        return new VrrpInstance
        {
            Name = InstanceName(vip),
            Generation = vip.Metadata.Generation,
            VirtualRouterId = virtualRouterId,
            Version = (VrrpVersion)(spec.VrrpVersion ?? VirtualIpDefaults.VrrpVersion),
            Priority = priority,
            AdvertInterval = GoDuration.Parse(spec.AdvertInterval ?? VirtualIpDefaults.AdvertInterval),
            Preempt = spec.Preempt ?? VirtualIpDefaults.Preempt,
            PreemptDelay = GoDuration.Parse(spec.PreemptDelay ?? VirtualIpDefaults.PreemptDelay),
            Addresses = [.. spec.Addresses.Select(Address)],
            Interface = spec.Interface,
            Password = spec.Authentication?.Password,
            PasswordSecretRef = spec.Authentication?.PasswordSecretRef is { } secretRef ? InNamespace(secretRef, secretNamespace) : null,
            GratuitousArp = spec.GratuitousArp is { } g
                ? new GratuitousArpSettings(
                    g.Repeat ?? VirtualIpDefaults.GratuitousArpRepeat,
                    GoDuration.Parse(g.Delay ?? VirtualIpDefaults.GratuitousArpDelay),
                    GoDuration.Parse(g.RefreshInterval ?? VirtualIpDefaults.GratuitousArpRefreshInterval))
                : GratuitousArpSettings.Default,
            Track = [.. (spec.Track ?? []).Where(t => t.Pods is null).Select(Track)],
            TrackInterfaces = [.. (spec.TrackInterfaces ?? []).Select(t => new TrackInterfaceSettings(t.Name!, t.Weight ?? VirtualIpDefaults.TrackWeight))],
            SyncGroup = spec.SyncGroup,
            Unicast = spec.Unicast is { } unicast ? Unicast(unicast, spec, nodes) : null,
            Notify = spec.Notify is { } notify ? Notify(notify) : null,
            Vmac = spec.UseVmac is { } vmac ? VmacSettings.For(vmac, virtualRouterId, Address(spec.Addresses[0]).Address.AddressFamily) : null,
            Webhooks = spec.Webhooks is { Count: > 0 } webhooks ? [.. webhooks.Select(w => Webhook(w, secretNamespace))] : null,
            ConnectionSync = spec.ConnectionSync is { } sync
                ? new ConnectionSyncSettings(sync.Interface!, sync.SyncId ?? VirtualIpDefaults.SyncId, sync.MaxPacketLength)
                : null,
        };
    }

    private static SecretKeySelector InNamespace(SecretKeySelector secretRef, string secretNamespace) =>
        new() { Namespace = secretRef.Namespace ?? secretNamespace, Name = secretRef.Name, Key = secretRef.Key };

    private static WebhookSettings Webhook(VrrpWebhook webhook, string secretNamespace) => new()
    {
        Url = webhook.Url,
        UrlSecretRef = webhook.UrlSecretRef is { } secretRef ? InNamespace(secretRef, secretNamespace) : null,
        CaBundle = webhook.CaBundle,
        Timeout = GoDuration.Parse(webhook.Timeout ?? VirtualIpDefaults.WebhookTimeout),
        Attempts = webhook.Attempts ?? VirtualIpDefaults.WebhookAttempts,
    };

    /// <summary>
    /// Explicit peers win, passed on as listed (the agent leaves out its own addresses and sends from the one on its
    /// interface, so one list serves every node); else every other eligible node's first InternalIP of the addresses'
    /// family, sent to from this node's own (a node without one is skipped: it cannot take part by unicast).
    /// </summary>
    private static UnicastSettings Unicast(VrrpUnicast unicast, VirtualIpSpec spec, UnicastNodes? nodes)
    {
        if (unicast.Peers is { Count: > 0 } peers)
        {
            return new UnicastSettings
            {
                Peers = [.. peers.Select(IPAddress.Parse)],
                SourceAddress = unicast.SourceAddress is { } source ? IPAddress.Parse(source) : null,
            };
        }

        var family = Address(spec.Addresses[0]).Address.AddressFamily;
        IPAddress? First(NodeAddresses node) => node.Addresses.FirstOrDefault(a => a.AddressFamily == family);
        var self = nodes?.Eligible.FirstOrDefault(n => n.Name == nodes.Self);
        return new UnicastSettings
        {
            Peers = [.. (nodes?.Eligible ?? []).Where(n => n != self).Select(First).OfType<IPAddress>()],
            SourceAddress = self is null ? null : First(self),
        };
    }

    private static NotifySettings Notify(VrrpNotify notify)
    {
        static IReadOnlyList<string>? Argv(string? line) => line is null ? null : NotifyCommandLine.Split(line);
        return new NotifySettings
        {
            Master = Argv(notify.Master),
            Backup = Argv(notify.Backup),
            Fault = Argv(notify.Fault),
            Stop = Argv(notify.Stop),
            Any = Argv(notify.Any),
            Timeout = GoDuration.Parse(notify.Timeout ?? VirtualIpDefaults.NotifyTimeout),
        };
    }

    /// <summary>The instance's name: the VirtualIp's, or "namespace/name" for a namespaced standalone document.</summary>
    public static string InstanceName(VirtualIp vip)
    {
        ArgumentNullException.ThrowIfNull(vip);
        return string.IsNullOrEmpty(vip.Metadata.Namespace) ? vip.Metadata.Name ?? "" : $"{vip.Metadata.Namespace}/{vip.Metadata.Name}";
    }

    /// <summary>The priorities entry for this node (node names compare case-insensitively), else defaultPriority, else 100.</summary>
    public static int PriorityFor(VirtualIpSpec spec, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var entry = spec.Priorities?.FirstOrDefault(p => string.Equals(p.NodeName, nodeName, StringComparison.OrdinalIgnoreCase));
        return entry?.Priority ?? spec.DefaultPriority ?? VirtualIpDefaults.Priority;
    }

    private static VirtualAddress Address(string text)
    {
        VirtualIpValidator.TryParseAddress(text, out var address, out var prefixLength, out _);
        return new VirtualAddress(address, prefixLength);
    }

    private static TrackCheckSettings Track(TrackCheck check) => new(
        check.Name!,
        check.Tcp is { } tcp
            ? new TcpTrackTarget(tcp.Host ?? VirtualIpDefaults.TcpHost, tcp.Port!.Value)
            : new HttpTrackTarget(new Uri(check.Http!.Url!), HttpStatusRanges.Parse(check.Http.ExpectedStatus ?? VirtualIpDefaults.HttpExpectedStatus)),
        check.Weight ?? VirtualIpDefaults.TrackWeight,
        GoDuration.Parse(check.Interval ?? VirtualIpDefaults.TrackInterval),
        GoDuration.Parse(check.Timeout ?? VirtualIpDefaults.TrackTimeout),
        check.Rise ?? VirtualIpDefaults.TrackRise,
        check.Fall ?? VirtualIpDefaults.TrackFall);
}
