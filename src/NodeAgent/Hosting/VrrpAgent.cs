using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using KeepOperator.Api.Logging;
using KeepOperator.NodeAgent.Announce;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Metrics;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Notify;
using KeepOperator.NodeAgent.Vrrp;
using KeepOperator.NodeAgent.Vrrp.Transport;
using KeepOperator.NodeAgent.Webhooks;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// The agent's single event loop: every instance's timers, received packets, priority changes and configuration
/// changes are handled on one dedicated thread, in order, so instances need no locks and a burst of packets cannot
/// reorder a transition. The thread waits in epoll (<see cref="LoopWaiter"/>) for the earliest deadline, a posted event
/// or a readable VRRP socket, and reads the sockets itself: one wake-up per advert, as keepalived's own loop. Adverts
/// are read before due timers fire, so a late pass cannot time out a master whose advert is already queued. One raw
/// socket per (interface, family) receives for all instances on it (packets are demultiplexed by VRID); it is opened
/// with the first instance on it and closed with the last, so adding or removing one instance leaves the others untouched.
/// </summary>
public sealed class VrrpAgent : IAsyncDisposable
{
    // Reads per socket per pass of the loop.
    private const int MaxReadsPerPass = 64;

    private readonly ConcurrentQueue<AgentEvent> _events = new();
    private readonly LoopWaiter _waiter = new();
    private readonly List<int> _ready = [];
    private readonly byte[] _receiveBuffer = new byte[65536];
    private readonly Dictionary<int, SocketGroup> _groupsByToken = [];
    private int _lastToken;
    private DateTimeOffset _lastPass = DateTimeOffset.MinValue;
    private readonly IVrrpInstanceFactory _factory;
    private readonly TimeProvider _time;
    private readonly StructuredLog _log;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Interface, AddressFamily Family), SocketGroup> _groups = [];
    private readonly ConcurrentDictionary<string, InstanceSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly ForeignRouterTable _foreign = new();

    // Every instance's VIPs, replaced whole on the loop, read by the ARP monitor's thread to pass on only claims to them.
    private volatile IReadOnlySet<IPAddress> _virtualAddresses = new HashSet<IPAddress>();

    private readonly AgentMetrics? _metrics;
    private readonly NotifyScriptRunner? _notify;
    private readonly WebhookSender? _webhooks;

    /// <param name="metrics">Where packets no instance claims are counted (the instances count their own drops).</param>
    /// <param name="notify">Runs the instances' notify scripts off this loop; null: none are run.</param>
    /// <param name="webhooks">Sends the instances' transition webhooks off this loop; null: none are sent.</param>
    public VrrpAgent(IVrrpInstanceFactory factory, TimeProvider time, StructuredLog log, AgentMetrics? metrics = null, NotifyScriptRunner? notify = null,
        WebhookSender? webhooks = null)
    {
        _webhooks = webhooks;
        _factory = factory;
        _time = time;
        _log = log;
        _metrics = metrics;
        _notify = notify;
    }

    /// <summary>The running instances as last seen by the loop; safe from any thread.</summary>
    public IReadOnlyDictionary<string, InstanceSnapshot> Snapshots => _snapshots;

    /// <summary>The routers heard lately for VRIDs this node does not run on their interface; safe from any thread.</summary>
    public IReadOnlyList<(ForeignRouter Router, DateTimeOffset LastHeard)> ForeignRouters()
    {
        lock (_foreign)
        {
            return _foreign.Current(_time.GetUtcNow());
        }
    }

    /// <summary>Raised on the loop after an instance changed state or priority, started or stopped, or a new foreign router was heard.</summary>
    public event Action? InstancesChanged;

    /// <summary>Raised on the loop on each state change of an instance, Initialize included when it stops.</summary>
    public event Action<VrrpInstanceSettings, StateChanged>? InstanceTransitioned;

    /// <summary>Starts an instance (an existing one of the same name is updated instead); safe from any thread.</summary>
    public void AddInstance(VrrpInstanceSettings settings) => Post(new AgentEvent.Add(settings));

    /// <summary>
    /// New settings for a running instance: nothing if they are the same, an in-place change if only the base priority
    /// or the unicast peers differ, else a graceful restart of that instance alone; safe from any thread.
    /// </summary>
    public void UpdateInstance(VrrpInstanceSettings settings) => Post(new AgentEvent.Add(settings));

    /// <summary>Graceful stop of one instance: priority 0 if it is master, its VIPs released; safe from any thread.</summary>
    public void RemoveInstance(string name) => Post(new AgentEvent.Remove(name));

    /// <summary>A link notification from the kernel: the instances on that interface or tracking it react; safe from any thread.</summary>
    public void LinkChanged(NetworkLink link) => Post(new AgentEvent.Link(link));

    /// <summary>Another host's ARP packet on a link: a master whose VIP it names re-announces (ForeignClaimRule); safe from any thread.</summary>
    public void ArpSeen(int interfaceIndex, ArpSender sender)
    {
        if (_virtualAddresses.Contains(sender.Address))
        {
            Post(new AgentEvent.Claim(interfaceIndex, sender));
        }
    }

    /// <summary>Asks the loop to stop every instance (priority 0, VIPs released) and return; safe from any thread.</summary>
    public void RequestShutdown() => Post(AgentEvent.Shutdown.Instance);

    /// <summary>Runs the loop on its own thread until a shutdown was handled.</summary>
    public Task RunAsync() => Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run()
    {
        while (true)
        {
            // Adverts before timers: a timer that came due while one was queued must not fire ahead of it.
            DrainReady();
            var handled = false;
            while (_events.TryDequeue(out var e))
            {
                handled = true;
                if (!Handle(e, _time.GetUtcNow()))
                {
                    return;
                }
            }
            if (handled)
            {
                // What arrived while the events ran (making a VMAC can take a while), without waiting.
                _waiter.Poll(_ready);
                DrainReady();
            }
            var now = _time.GetUtcNow();
            _lastPass = now;
            DateTimeOffset? next = null;
            foreach (var entry in _entries.Values)
            {
                entry.Runner.Tick(now);
                if (entry.Runner.NextDeadline is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }
            _waiter.Wait(next - _time.GetUtcNow(), _ready);
        }
    }

    private void DrainReady()
    {
        foreach (var token in _ready)
        {
            if (_groupsByToken.TryGetValue(token, out var group))
            {
                Drain(group);
            }
        }
        _ready.Clear();
    }

    /// <summary>Handles one posted event; false once the agent has shut down.</summary>
    private bool Handle(AgentEvent e, DateTimeOffset now)
    {
        switch (e)
        {
            case AgentEvent.Tracking t when IsCurrent(t.Instance):
                t.Instance.ApplyTracking(t.EffectivePriority, t.Fault, now);
                ApplySyncGroups(now);
                return true;
            case AgentEvent.Claim c:
                foreach (var entry in _entries.Values)
                {
                    entry.Runner.ApplyClaim(c.InterfaceIndex, c.Sender, now);
                }

                return true;
            case AgentEvent.Link l:
                foreach (var entry in _entries.Values)
                {
                    entry.Runner.ApplyLink(l.Value, now);
                }

                ApplySyncGroups(now);
                return true;
            case AgentEvent.Add a:
                AddOrUpdate(a.Settings, now);
                ApplySyncGroups(now);
                return true;
            case AgentEvent.Remove r:
                Remove(r.Name, now);
                ApplySyncGroups(now);
                return true;
            case AgentEvent.Shutdown:
                foreach (var name in _entries.Keys.ToList())
                {
                    Remove(name, now);
                }
                return false;
            default:
                return true; // for an instance removed since the event was posted
        }
    }

    /// <summary>Holds the members of a sync group in FAULT while one of them is in FAULT of its own, releases them after.</summary>
    private void ApplySyncGroups(DateTimeOffset now)
    {
        var holders = SyncGroupRule.Holders(_entries.Values.Select(e => new SyncGroupMember(e.Runner.Name, e.Runner.Settings.SyncGroup, e.Runner.OwnFault)));
        foreach (var (name, holder) in holders)
        {
            _entries[name].Runner.HoldForSyncGroup(holder, now);
        }
    }

    private bool IsCurrent(VrrpInstanceRunner runner) => _entries.TryGetValue(runner.Name, out var entry) && ReferenceEquals(entry.Runner, runner);

    private void AddOrUpdate(VrrpInstanceSettings settings, DateTimeOffset now)
    {
        if (_entries.TryGetValue(settings.Name, out var entry))
        {
            switch (InstanceChange.Classify(entry.Runner.Settings, settings))
            {
                case InstanceChangeKind.Unchanged:
                    return;
                case InstanceChangeKind.InPlace:
                    var priorityChanged = entry.Runner.Settings.Router.Priority != settings.Router.Priority;
                    _log.Info("instance-adjusted", ("instance", settings.Name), ("from", entry.Runner.Settings.Router.Priority), ("to", settings.Router.Priority),
                        ("peers", settings.Router.UnicastPeers is { } peers ? string.Join(',', peers) : null));
                    entry.Runner.Adjust(settings, now);
                    if (priorityChanged)
                    {
                        // The tracked priority is relative to the base: restart the checks on the new one.
                        entry.Tracking?.Dispose();
                        _entries[settings.Name] = entry with { Tracking = StartTracking(entry.Runner) };
                    }
                    return;
                default:
                    _log.Info("instance-restart", ("instance", settings.Name));
                    // The socket stays open across the restart when the instance keeps its interface, and the stopped
                    // runner keeps its VRID there until the new one takes it: a peer's advert in between is not a foreign
                    // router's (it reaches the stopped runner, which no longer counts, and is dropped).
                    Remove(settings.Name, now, restarting: true);
                    Add(settings);
                    if (entry.Group.Instances.TryGetValue(entry.Runner.Settings.Router.VirtualRouterId, out var held) && ReferenceEquals(held, entry.Runner))
                    {
                        entry.Group.Instances.Remove(entry.Runner.Settings.Router.VirtualRouterId);
                    }
                    CloseIfEmpty(entry.Group, entry.Key);
                    return;
            }
        }
        Add(settings);
    }

    private void Add(VrrpInstanceSettings settings)
    {
        var key = (settings.InterfaceIndex, settings.Router.PrimaryAddress.AddressFamily);
        if (!_groups.TryGetValue(key, out var group))
        {
            IVrrpTransport transport;
            try
            {
                transport = _factory.OpenTransport(settings);
            }
            catch (Exception ex) when (IsHostRefusal(ex))
            {
                _log.Error("instance-failed", ("instance", settings.Name), ("interface", settings.InterfaceName), ("error", ex.Message));
                return;
            }
            group = new SocketGroup(settings.InterfaceName, transport, ++_lastToken);
            _groups.Add(key, group);
            _groupsByToken.Add(group.Token, group);
        }
        // A stopped runner still holds its VRID while its instance restarts (see AddOrUpdate): it gives way.
        if (group.Instances.TryGetValue(settings.Router.VirtualRouterId, out var other) && IsCurrent(other))
        {
            _log.Error("instance-failed", ("instance", settings.Name), ("error", $"VRID {settings.Router.VirtualRouterId} on {settings.InterfaceName} is already used by {other.Name}"));
            return;
        }

        VrrpInstanceRunner runner;
        try
        {
            runner = _factory.CreateRunner(settings, group.Transport);
        }
        catch (Exception ex) when (IsHostRefusal(ex))
        {
            // A VMAC the host refuses (its sysctls under a read-only /proc/sys, say) fails this instance only; thrown
            // out of the event loop it killed the agent, and a restarted agent died the same way (a crash loop).
            _log.Error("instance-failed", ("instance", settings.Name), ("interface", settings.InterfaceName), ("error", ex.Message));
            CloseIfEmpty(group, key);
            return;
        }

        runner.Changed += OnRunnerChanged;
        runner.Transitioned += OnRunnerTransitioned;
        group.Instances[settings.Router.VirtualRouterId] = runner;
        _entries.Add(settings.Name, new Entry(runner, group, key, StartTracking(runner)));
        // Read only once the socket's first VRID has its runner: the peers' adverts are on the socket from the moment
        // it opens, and one read while the runner was still being made (a VMAC, a cold JIT) was called a foreign router's.
        if (!group.Watched)
        {
            _waiter.Add(group.Transport.ReadinessHandle, group.Token);
            group.Watched = true;
        }
        // Timed from now, not from when the event was taken: opening a socket can take a while, and a backup's first
        // Master_Down_Interval must run while it can hear the master (at 50 ms adverts it is only 182 ms long).
        runner.Start(_time.GetUtcNow());
        OnRunnerChanged(runner);
        UpdateVirtualAddresses();
    }

    private void UpdateVirtualAddresses() =>
        _virtualAddresses = _entries.Values.SelectMany(e => e.Runner.Settings.Router.VirtualAddresses).ToHashSet();

    private IDisposable? StartTracking(VrrpInstanceRunner runner) =>
        _factory.StartTracking(runner.Settings, (priority, fault) => Post(new AgentEvent.Tracking(runner, priority, fault)));

    /// <param name="restarting">Leave the runner's VRID and the socket to the caller, which starts the instance again.</param>
    private void Remove(string name, DateTimeOffset now, bool restarting = false)
    {
        if (!_entries.Remove(name, out var entry))
        {
            return;
        }
        entry.Tracking?.Dispose();
        entry.Runner.Shutdown(now);
        entry.Runner.Changed -= OnRunnerChanged;
        entry.Runner.Transitioned -= OnRunnerTransitioned; // after Shutdown: its STOP transition still notifies
        _snapshots.TryRemove(name, out _);
        UpdateVirtualAddresses();
        if (!restarting)
        {
            entry.Group.Instances.Remove(entry.Runner.Settings.Router.VirtualRouterId);
            CloseIfEmpty(entry.Group, entry.Key);
        }
        InstancesChanged?.Invoke();
    }

    /// <summary>What the kernel or the host's files may refuse when an instance's socket or interfaces are set up.</summary>
    private static bool IsHostRefusal(Exception ex) =>
        ex is IOException or SocketException or InvalidOperationException or UnauthorizedAccessException or Interop.LinuxErrorException;

    private void CloseIfEmpty(SocketGroup group, (int, AddressFamily) key)
    {
        if (group.Instances.Count == 0 && _groups.TryGetValue(key, out var current) && ReferenceEquals(current, group))
        {
            _groups.Remove(key);
            Close(group);
        }
    }

    private void OnRunnerChanged(VrrpInstanceRunner runner)
    {
        _snapshots[runner.Name] = runner.Snapshot;
        InstancesChanged?.Invoke();
    }

    /// <summary>On the loop: only queues the scripts and the webhooks' POSTs, which run elsewhere.</summary>
    private void OnRunnerTransitioned(VrrpInstanceRunner runner, StateChanged changed)
    {
        _notify?.Notify(runner.Name, changed.To, changed.EffectivePriority, runner.Settings.Notify);
        _webhooks?.Enqueue(runner.Name, changed, _time.GetUtcNow(), runner.Settings.Webhooks);
        InstanceTransitioned?.Invoke(runner.Settings, changed);
    }

    private void Post(AgentEvent e)
    {
        _events.Enqueue(e);
        _waiter.Wake();
    }

    private void Close(SocketGroup group)
    {
        if (group.Watched)
        {
            _waiter.Remove(group.Transport.ReadinessHandle);
        }
        _groupsByToken.Remove(group.Token);
        group.Transport.Dispose();
    }

    /// <summary>
    /// Handles what the socket holds, up to <see cref="MaxReadsPerPass"/> datagrams: a flood must not keep the loop from
    /// its timers (the socket stays readable, so the next wait returns at once).
    /// </summary>
    private void Drain(SocketGroup group)
    {
        for (int i = 0; i < MaxReadsPerPass; i++)
        {
            VrrpDatagram datagram;
            try
            {
                if (!group.Transport.TryReceive(_receiveBuffer, out datagram))
                {
                    return;
                }
            }
            catch (Interop.LinuxErrorException ex)
            {
                _log.Error("receive-failed", ("interface", group.InterfaceName), ("error", ex.Message));
                return;
            }
            var now = _time.GetUtcNow();
            var message = _receiveBuffer.AsSpan(0, datagram.Length);
            // The VRID sits at byte 1 in both versions: it tells which instance a bad packet was meant for.
            if (message.Length < 2 || !group.Instances.TryGetValue(message[1], out var instance))
            {
                // Other routers' VRIDs are normal on a shared segment: counted, not logged (keepalived is silent too), and
                // reported so that the operator allocates none of them here.
                _metrics?.UnmatchedPacket(group.InterfaceName);
                if (message.Length >= 2)
                {
                    // Without the scope id: the interface is named already, and the status shows the bare address.
                    var source = datagram.Source.IsIPv6LinkLocal ? new IPAddress(datagram.Source.GetAddressBytes()) : datagram.Source;
                    HeardForeign(new ForeignRouter(group.InterfaceName, source, message[1], message[0] >> 4));
                }
                continue;
            }
            if (!IsCurrent(instance))
            {
                continue; // the stopped runner of an instance restarting: it keeps the VRID, not the packets
            }
            if (VrrpPacketCodec.TryDecode(message, datagram.Source, datagram.Destination, datagram.TtlOrHopLimit, out var packet, out var reason))
            {
                // As of its arrival (the loop may get to it late), but never before the loop's last pass: what that
                // pass did, e.g. a timer it fired, cannot be undone.
                instance.Receive(packet, datagram.Source, datagram.ArrivedAt is { } at && at < now ? (at > _lastPass ? at : _lastPass) : now);
            }
            else
            {
                instance.CountDrop(reason, datagram.Source, now);
            }
        }
    }

    private void HeardForeign(ForeignRouter router)
    {
        bool isNew;
        lock (_foreign)
        {
            isNew = _foreign.Observe(router, _time.GetUtcNow());
        }
        if (isNew)
        {
            _log.Info("foreign-router", ("interface", router.Interface), ("vrid", router.VirtualRouterId), ("source", router.Source), ("version", router.Version));
            InstancesChanged?.Invoke();
        }
    }

    /// <summary>After the loop has returned (or never ran): closes what a shutdown left open.</summary>
    public ValueTask DisposeAsync()
    {
        foreach (var entry in _entries.Values)
        {
            entry.Tracking?.Dispose();
        }
        foreach (var group in _groups.Values)
        {
            Close(group);
        }
        _groups.Clear();
        _waiter.Dispose();
        return ValueTask.CompletedTask;
    }

    private sealed record Entry(VrrpInstanceRunner Runner, SocketGroup Group, (int, AddressFamily) Key, IDisposable? Tracking);

    /// <summary>The instances sharing one raw socket: same interface and address family, keyed by VRID.</summary>
    private sealed class SocketGroup(string interfaceName, IVrrpTransport transport, int token)
    {
        public string InterfaceName { get; } = interfaceName;

        public IVrrpTransport Transport { get; } = transport;

        /// <summary>What the waiter reports when the socket is readable.</summary>
        public int Token { get; } = token;

        /// <summary>Watched by the waiter: from when its first VRID has a runner (read before, a peer's advert was called a foreign router's).</summary>
        public bool Watched { get; set; }

        /// <summary>Written on the loop; read on the loop.</summary>
        public Dictionary<byte, VrrpInstanceRunner> Instances { get; } = [];
    }

    private abstract record AgentEvent
    {
        public sealed record Shutdown : AgentEvent
        {
            public static Shutdown Instance { get; } = new();
        }

        public sealed record Add(VrrpInstanceSettings Settings) : AgentEvent;

        public sealed record Remove(string Name) : AgentEvent;

        public sealed record Tracking(VrrpInstanceRunner Instance, byte EffectivePriority, bool Fault) : AgentEvent;

        public sealed record Link(NetworkLink Value) : AgentEvent;

        public sealed record Claim(int InterfaceIndex, ArpSender Sender) : AgentEvent;
    }
}
