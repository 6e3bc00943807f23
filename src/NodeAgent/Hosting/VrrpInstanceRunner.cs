using System.Globalization;
using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Logging;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Health;
using KeepOperator.NodeAgent.Metrics;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Vmac;
using KeepOperator.NodeAgent.Vrrp;
using KeepOperator.NodeAgent.Vrrp.Transport;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// One VRRP instance on this node: feeds events to the pure state machine and carries out the actions it returns
/// (adverts on the shared socket, VIPs through netlink, announcements on their schedule). Only ever called from the
/// agent's single event loop, so it needs no locking. With a VMAC the addresses and announcements go on the macvlan,
/// raised while master, and adverts still leave from the interface (keepalived's vmac_xmit_base).
/// </summary>
public sealed class VrrpInstanceRunner
{
    /// <summary>One for every tick: a master's advert timer fires 20 times a second at 50 ms.</summary>
    private static readonly VrrpEvent TimerExpired = new VrrpEvent.TimerExpired();

    private VrrpInstanceSettings _settings;
    private readonly IVrrpTransport _transport;
    private readonly IInterfaceAddresses _addresses;
    private readonly IAddressAnnouncer _announcer;
    private readonly NetworkLink _link;
    private readonly VmacInterface? _vmac;
    private readonly NetworkLink _holder;
    private readonly StructuredLog _log;
    private readonly InstanceMetrics? _metrics;
    private VrrpReceiveFilter _filter;
    private readonly IPAddress _group;
    private readonly IReadOnlyList<IPAddress> _vips;
    private readonly byte[] _sendBuffer = new byte[1500];
    private readonly HashSet<IPAddress> _failingPeers = [];
    private VrrpInstanceState _state;
    private AnnouncementSchedule _announcements;
    private DateTimeOffset? _lastTransition;
    private DateTimeOffset? _lastAdvertAccepted;
    private string? _lastReason;
    private bool _linkDown;
    private bool _trackFault;
    private byte _checkedPriority;
    private readonly Dictionary<string, bool> _trackedLinksUp = new(StringComparer.Ordinal);
    private string? _syncHolder;
    private DateTimeOffset? _lastReassert;
    private DateTimeOffset? _reassertDue;
    private OtherMasterSighting? _otherMaster;

    /// <param name="vmac">Present: the macvlan that holds the addresses while master.</param>
    /// <param name="isLinkUp">The current state of a tracked interface by name (false for one that does not exist).</param>
    public VrrpInstanceRunner(VrrpInstanceSettings settings, NetworkLink link, IVrrpTransport transport, IInterfaceAddresses addresses, IAddressAnnouncer announcer, StructuredLog log, InstanceMetrics? metrics = null, VmacInterface? vmac = null, Func<string, bool>? isLinkUp = null)
    {
        _settings = settings;
        _link = link;
        _vmac = vmac;
        _holder = vmac?.Link ?? link;
        _transport = transport;
        _addresses = addresses;
        _announcer = announcer;
        _log = log;
        _metrics = metrics;
        var router = settings.Router;
        _filter = Filter(settings);
        _group = router.PrimaryAddress.AddressFamily == AddressFamily.InterNetworkV6 ? VrrpProtocol.MulticastGroupV6 : VrrpProtocol.MulticastGroupV4;
        _vips = router.VirtualAddresses;
        _state = VrrpStateMachine.Create(router);
        _announcements = AnnouncementSchedule.Idle(settings.GratuitousArp);
        _checkedPriority = router.Priority;
        foreach (var tracked in settings.TrackInterfaces ?? [])
        {
            _trackedLinksUp[tracked.Name] = isLinkUp?.Invoke(tracked.Name) ?? false;
        }
    }

    public string Name => _settings.Router.Name;

    public VrrpState State => _state.State;

    public VrrpInstanceSettings Settings => _settings;

    /// <summary>Raised on the loop when the state or the effective priority changed (status reporting).</summary>
    public event Action<VrrpInstanceRunner>? Changed;

    /// <summary>Raised on the loop on each state transition (notify scripts); handlers must not block.</summary>
    public event Action<VrrpInstanceRunner, StateChanged>? Transitioned;

    /// <summary>What the node reports for this instance right now.</summary>
    public InstanceSnapshot Snapshot => new(Name, _state.State, _settings.Router.Priority, _state.EffectivePriority, _lastTransition, _lastReason, _otherMaster);

    public DropCounter Drops { get; } = new();

    /// <summary>The earliest moment this instance needs the loop's attention again.</summary>
    public DateTimeOffset? NextDeadline => Earliest(Earliest(_state.NextDeadline, _announcements.NextDue), _reassertDue);

    /// <summary>In FAULT for a reason of its own (its interface, a weight-0 check or tracked interface), not its sync group's.</summary>
    public bool OwnFault => _linkDown || _trackFault || InterfaceFault;

    private bool InterfaceFault => TrackedPriority.IsFault(TrackedInterfaces());

    /// <summary>
    /// Starts the instance: in FAULT at once when its interface or a weight-0 tracked interface is down (keepalived's
    /// startup rule); tracked interface weights apply from the start.
    /// </summary>
    public void Start(DateTimeOffset now)
    {
        _linkDown = !_link.IsUp;
        if (OwnFault)
        {
            Apply(new VrrpEvent.InterfaceDown(_linkDown ? VrrpTransitionReason.InterfaceDown : VrrpTransitionReason.TrackInterfaceDown), now);
        }

        ApplyPriority(now);
        Apply(new VrrpEvent.Startup(), now);
    }

    public void Shutdown(DateTimeOffset now)
    {
        Apply(new VrrpEvent.ShutdownRequested(), now);
        _vmac?.Dispose();
        _metrics?.Remove();
    }

    /// <summary>
    /// A new base priority or unicast peer list from the configuration: the instance keeps running (a node joining
    /// must not make every master step down); a new priority is re-evaluated by the state machine.
    /// </summary>
    public void Adjust(VrrpInstanceSettings settings, DateTimeOffset now)
    {
        var priorityChanged = settings.Router.Priority != _settings.Router.Priority;
        _settings = settings;
        _filter = Filter(settings);
        if (priorityChanged)
        {
            _checkedPriority = settings.Router.Priority;
            ApplyPriority(now);
        }
    }

    private static VrrpReceiveFilter Filter(VrrpInstanceSettings settings) =>
        new(settings.Router.Version, settings.Router.VirtualRouterId, settings.Password, settings.Router.AdvertInterval, settings.Router.UnicastPeers);

    /// <summary>A tracking verdict: the new effective priority, and whether a weight-0 check puts the instance in FAULT.</summary>
    public void ApplyTracking(byte effectivePriority, bool fault, DateTimeOffset now)
    {
        _checkedPriority = effectivePriority;
        ApplyPriority(now);
        _trackFault = fault;
        UpdateFault(fault ? VrrpTransitionReason.TrackFault : VrrpTransitionReason.TrackRecovered, now);
    }

    /// <summary>
    /// The kernel said a link changed. The instance's own interface down or without carrier is FAULT (the VIPs
    /// released); a tracked interface moves the priority by its weight, or is FAULT with weight 0. Only a change is
    /// acted on; the kernel repeats a link's state on unrelated changes.
    /// </summary>
    public void ApplyLink(NetworkLink link, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (link.Index == _link.Index && _linkDown != !link.IsUp)
        {
            _linkDown = !link.IsUp;
            UpdateFault(link.IsUp ? VrrpTransitionReason.InterfaceUp : VrrpTransitionReason.InterfaceDown, now);
        }

        if (_trackedLinksUp.TryGetValue(link.Name, out var wasUp) && wasUp != link.IsUp)
        {
            _trackedLinksUp[link.Name] = link.IsUp;
            _log.Info("track-interface", ("instance", Name), ("interface", link.Name), ("up", link.IsUp));
            ApplyPriority(now);
            UpdateFault(link.IsUp ? VrrpTransitionReason.TrackInterfaceUp : VrrpTransitionReason.TrackInterfaceDown, now);
        }
    }

    /// <summary>Another host claims one of the VIPs by ARP: a master announces them again (<see cref="ForeignClaimRule"/>).</summary>
    public void ApplyClaim(int interfaceIndex, ArpSender claim, DateTimeOffset now)
    {
        if (ForeignClaimRule.ReassertAt(_state.State, _holder.Index, _holder.HardwareAddress, _vips, interfaceIndex, claim, _lastReassert, now) is not { } at)
        {
            return;
        }

        // A claim comes as a burst of gratuitous ARPs: one line per answer, not per packet.
        if (_reassertDue is null)
        {
            _log.Warn("address-claimed", ("instance", Name), ("address", claim.Address), ("by", string.Join(':', claim.Mac.GetAddressBytes().Select(b => b.ToString("x2", CultureInfo.InvariantCulture)))),
                ("effect", at > now ? "announcing again shortly" : "announced again"));
        }

        _reassertDue = _reassertDue is { } due && due < at ? due : at;
        ReassertIfDue(now);
    }

    private void ReassertIfDue(DateTimeOffset now)
    {
        if (_reassertDue is { } due && due <= now)
        {
            _reassertDue = null;
            if (_state.State == VrrpState.Master)
            {
                _lastReassert = now;
                BeginAnnouncements(AnnouncementSchedule.Contest(_settings.GratuitousArp, now), now);
            }
        }
    }

    /// <summary>Held in FAULT by <paramref name="holder"/>, a member of the sync group in FAULT of its own, or released (null).</summary>
    public void HoldForSyncGroup(string? holder, DateTimeOffset now)
    {
        if (holder == _syncHolder)
        {
            return;
        }

        var released = holder is null;
        _syncHolder = holder;
        if (!released)
        {
            _log.Info("sync-group-hold", ("instance", Name), ("group", _settings.SyncGroup), ("held_by", holder));
        }

        UpdateFault(released ? VrrpTransitionReason.SyncGroupRecovered : VrrpTransitionReason.SyncGroupFault, now);
    }

    /// <summary>The checks' verdict with the tracked interfaces' weights on top (keepalived adds both to the same priority).</summary>
    private void ApplyPriority(DateTimeOffset now)
    {
        var effective = TrackedPriority.Compute(_checkedPriority, TrackedInterfaces());
        if (effective != _state.EffectivePriority)
        {
            Apply(new VrrpEvent.PriorityChanged(effective), now);
        }
    }

    private IEnumerable<(int Weight, bool Ok)> TrackedInterfaces() =>
        (_settings.TrackInterfaces ?? []).Select(t => (t.Weight, _trackedLinksUp.GetValueOrDefault(t.Name)));

    /// <summary>
    /// FAULT while any cause holds (the link, a weight-0 check or tracked interface, the sync group): one recovering
    /// must not clear another. The reason is the most basic cause still holding, else the event's.
    /// </summary>
    private void UpdateFault(string reason, DateTimeOffset now)
    {
        if (!OwnFault && _syncHolder is null)
        {
            Apply(new VrrpEvent.InterfaceUp(reason), now);
            return;
        }

        Apply(new VrrpEvent.InterfaceDown(_linkDown ? VrrpTransitionReason.InterfaceDown : reason), now);
    }

    /// <summary>Runs whatever is due: state machine timers, then announcement bursts.</summary>
    public void Tick(DateTimeOffset now)
    {
        if (_state.NextDeadline is { } deadline && deadline <= now)
        {
            Apply(TimerExpired, now);
        }
        ReassertIfDue(now);
        AnnounceIfDue(now);
    }

    private void AnnounceIfDue(DateTimeOffset now)
    {
        if (_announcements.IsDue(now))
        {
            for (int i = 0; i < _announcements.Policy.Repeat; i++)
            {
                _announcer.Announce(_holder, _vips);
            }
            _announcements = _announcements.Advance(now);
        }
    }

    /// <summary>A decoded packet for this VRID arrived on the instance's interface.</summary>
    public void Receive(in VrrpPacket packet, IPAddress source, DateTimeOffset now)
    {
        var reason = _filter.Check(packet, source);
        if (reason != VrrpDropReason.None)
        {
            CountDrop(reason, source, now);
            return;
        }
        _metrics?.AdvertReceived();
        _lastAdvertAccepted = now;
        Apply(new VrrpEvent.AdvertisementReceived(VrrpReceiveFilter.ToAdvertisement(packet, source)), now);
    }

    public void CountDrop(VrrpDropReason reason, IPAddress source, DateTimeOffset now)
    {
        _metrics?.PacketDropped(reason);
        if (Drops.Count(reason, now, out long total))
        {
            _log.Warn("drop", ("instance", Name), ("reason", reason), ("source", source), ("total", total));
        }
    }

    /// <summary>
    /// Removes this instance's VIPs if a killed earlier run left them on the interface (with a VMAC, a run without
    /// one may have: the macvlan itself is made afresh). That run was master and died without its priority-0 advert,
    /// so the backups would wait out Master_Down_Interval with nobody holding the VIP: this run sends that advert for
    /// it (RFC 5798 6.4.3: a backup then takes over after Skew_Time; a master that already took over re-advertises).
    /// </summary>
    public void RemoveStaleAddresses(IReadOnlyList<InterfaceAddress> present)
    {
        var removed = false;
        foreach (var vip in _settings.VirtualAddresses)
        {
            foreach (var stale in present.Where(a => (a.InterfaceIndex == _link.Index || a.InterfaceIndex == _holder.Index) && a.Address.Equals(vip.Address)))
            {
                _addresses.Remove(stale.InterfaceIndex, vip.Address, vip.PrefixLength);
                _log.Info("stale-address-removed", ("instance", Name), ("address", vip.Address), ("interface", stale.InterfaceName));
                removed = true;
            }
        }

        if (removed)
        {
            SendAdvertisement(new SendAdvertisement(0, _settings.Router.AdvertInterval));
            _log.Info("stale-master-resigned", ("instance", Name), ("priority", 0));
        }
    }

    private void Apply(VrrpEvent e, DateTimeOffset now)
    {
        var step = VrrpStateMachine.Handle(_state, e, now);
        bool priorityChanged = step.State.EffectivePriority != _state.EffectivePriority;
        _state = step.State;
        foreach (var action in step.Actions)
        {
            Execute(action, now);
        }
        if (priorityChanged)
        {
            _metrics?.EffectivePriority(_state.EffectivePriority);
            Changed?.Invoke(this);
        }
    }

    private void Execute(VrrpAction action, DateTimeOffset now)
    {
        switch (action)
        {
            case SendAdvertisement send:
                SendAdvertisement(send);
                break;
            case TakeAddresses:
                _vmac?.SetUp(true);
                foreach (var vip in _settings.VirtualAddresses)
                {
                    _addresses.Add(_holder.Index, vip.Address, vip.PrefixLength);
                }
                BeginAnnouncements(AnnouncementSchedule.Begin(_settings.GratuitousArp, now), now);
                break;
            case AnnounceAddresses:
                // A lower-priority master was heard: it has pointed the neighbours at itself.
                BeginAnnouncements(AnnouncementSchedule.Contest(_settings.GratuitousArp, now), now);
                break;
            case HeardOtherMaster other:
                _metrics?.OtherMasterAdvert();
                (_otherMaster, var report) = OtherMasterSighting.Heard(_otherMaster, other.Source, now);
                if (report)
                {
                    _log.Warn("other-master", ("instance", Name), ("source", other.Source), ("priority", other.Priority));
                    Changed?.Invoke(this);
                }
                break;
            case ReleaseAddresses:
                _announcements = AnnouncementSchedule.Idle(_settings.GratuitousArp);
                foreach (var vip in _settings.VirtualAddresses)
                {
                    _addresses.Remove(_holder.Index, vip.Address, vip.PrefixLength);
                }
                _vmac?.SetUp(false);
                break;
            case StateChanged changed:
                _lastTransition = now;
                _lastReason = changed.Reason;
                if (changed.From == VrrpState.Master)
                {
                    // A sighting is of two masters at once: one that ends with this node's stepping down is over (a preemption's
                    // stray advert, counted and logged), and must not join a later one into a confirmed split brain.
                    _otherMaster = null;
                }

                _metrics?.Transition(changed.From, changed.To, changed.Reason);
                if (changed is { From: VrrpState.Backup, To: VrrpState.Master } && _lastAdvertAccepted is { } heard)
                {
                    _metrics?.Takeover(now - heard);
                }
                Changed?.Invoke(this);
                _log.Info("transition", ("instance", Name), ("from", changed.From), ("to", changed.To), ("reason", changed.Reason), ("priority", changed.EffectivePriority));
                Transitioned?.Invoke(this, changed);
                break;
        }
    }

    /// <summary>To the group, or to each unicast peer (the v3 checksum covers each peer's address, as keepalived 2.x sends it).</summary>
    private void SendAdvertisement(SendAdvertisement send)
    {
        var router = _settings.Router;
        if (router.UnicastPeers is not { } peers)
        {
            int length = VrrpPacketCodec.Encode(router.Version, router.VirtualRouterId, send.Priority, send.AdvertInterval, _vips, _settings.Password, _transport.SourceAddress, _group, _sendBuffer);
            _transport.Send(_sendBuffer.AsSpan(0, length));
            _metrics?.AdvertSent();
            return;
        }

        foreach (var peer in peers)
        {
            int length = VrrpPacketCodec.Encode(router.Version, router.VirtualRouterId, send.Priority, send.AdvertInterval, _vips, _settings.Password, router.PrimaryAddress, peer, _sendBuffer);
            try
            {
                _transport.SendUnicast(_sendBuffer.AsSpan(0, length), peer, router.PrimaryAddress);
            }
            catch (Interop.LinuxErrorException ex)
            {
                // One unreachable peer (no route yet) must not keep the advert from the others; logged once until it works.
                if (_failingPeers.Add(peer))
                {
                    _log.Warn("send-failed", ("instance", Name), ("peer", peer), ("error", ex.Message));
                }
                continue;
            }
            _failingPeers.Remove(peer);
            _metrics?.AdvertSent();
        }
    }

    private void BeginAnnouncements(AnnouncementSchedule schedule, DateTimeOffset now)
    {
        _announcements = schedule;
        AnnounceIfDue(now);
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a < b ? a : b;
}
