using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Vrrp;
using KeepOperator.NodeAgent.Vrrp.Transport;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// The agent's single event loop: every instance's timers, received packets and priority changes are handled on
/// one dedicated thread, in order, so instances need no locks and a burst of packets cannot reorder a transition.
/// The thread sleeps until the earliest deadline or a posted event: one wake-up per advert, as keepalived's own
/// loop, where a timer thread plus a thread-pool hop cost twice the CPU. One raw socket per (interface, family)
/// receives for all instances on it; packets are demultiplexed by VRID.
/// </summary>
public sealed class VrrpAgent : IAsyncDisposable
{
    private readonly ConcurrentQueue<AgentEvent> _events = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly TimeProvider _time;
    private readonly AgentLog _log;
    private readonly IReadOnlyList<VrrpSocketGroup> _groups;
    private readonly VrrpInstanceRunner[] _instances;
    private readonly CancellationTokenSource _receiving = new();
    private readonly List<Task> _receivers = [];

    public VrrpAgent(IReadOnlyList<VrrpSocketGroup> groups, TimeProvider time, AgentLog log)
    {
        _groups = groups;
        _time = time;
        _log = log;
        _instances = [.. groups.SelectMany(g => g.Instances.Values)];
    }

    public IReadOnlyList<VrrpInstanceRunner> Instances => _instances;

    /// <summary>Hands the loop a tracking verdict for an instance; safe from any thread.</summary>
    public void PostTracking(VrrpInstanceRunner instance, byte effectivePriority, bool fault) =>
        Post(new AgentEvent.Tracking(instance, effectivePriority, fault));

    /// <summary>Asks the loop to send priority 0, release the VIPs and return; safe from any thread.</summary>
    public void RequestShutdown() => Post(AgentEvent.Shutdown.Instance);

    /// <summary>Runs the loop on its own thread until a shutdown was handled.</summary>
    public Task RunAsync() => Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run()
    {
        var now = _time.GetUtcNow();
        foreach (var instance in _instances)
        {
            instance.Start(now);
        }
        foreach (var group in _groups)
        {
            _receivers.Add(Task.Run(() => ReceiveLoopAsync(group, _receiving.Token)));
        }
        while (true)
        {
            while (_events.TryDequeue(out var e))
            {
                if (!Handle(e, _time.GetUtcNow()))
                {
                    return;
                }
            }
            now = _time.GetUtcNow();
            DateTimeOffset? next = null;
            foreach (var instance in _instances)
            {
                instance.Tick(now);
                if (instance.NextDeadline is { } due && (next is null || due < next))
                {
                    next = due;
                }
            }
            _wake.WaitOne(next is { } at ? WholeMillisecondsUntil(at) : Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Handles one posted event; false once the agent has shut down.</summary>
    private bool Handle(AgentEvent e, DateTimeOffset now)
    {
        switch (e)
        {
            case AgentEvent.Packet p:
                p.Instance.Receive(p.Value, p.Source, now);
                return true;
            case AgentEvent.Dropped d:
                d.Instance.CountDrop(d.Reason, d.Source, now);
                return true;
            case AgentEvent.Tracking t:
                t.Instance.ApplyTracking(t.EffectivePriority, t.Fault, now);
                return true;
            default:
                foreach (var instance in _instances)
                {
                    instance.Shutdown(now);
                }
                return false;
        }
    }

    /// <summary>Rounded up: a wait that ends a fraction of a millisecond early would find nothing due and spin.</summary>
    private TimeSpan WholeMillisecondsUntil(DateTimeOffset due) =>
        TimeSpan.FromMilliseconds(Math.Max(0, Math.Ceiling((due - _time.GetUtcNow()).TotalMilliseconds)));

    private void Post(AgentEvent e)
    {
        _events.Enqueue(e);
        _wake.Set();
    }

    private async Task ReceiveLoopAsync(VrrpSocketGroup group, CancellationToken cancel)
    {
        var buffer = new byte[65536];
        while (!cancel.IsCancellationRequested)
        {
            VrrpDatagram datagram;
            try
            {
                datagram = await group.Transport.ReceiveAsync(buffer, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _log.Error("receive-failed", ("interface", group.InterfaceName), ("error", ex.Message));
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancel).ConfigureAwait(false);
                continue;
            }
            var message = buffer.AsSpan(0, datagram.Length);
            // The VRID sits at byte 1 in both versions: it tells which instance a bad packet was meant for.
            if (message.Length < 2 || !group.Instances.TryGetValue(message[1], out var instance))
            {
                continue;
            }
            if (VrrpPacketCodec.TryDecode(message, datagram.Source, datagram.Destination, datagram.TtlOrHopLimit, out var packet, out var reason))
            {
                Post(new AgentEvent.Packet(instance, packet, datagram.Source));
            }
            else
            {
                Post(new AgentEvent.Dropped(instance, reason, datagram.Source));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _receiving.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_receivers).ConfigureAwait(false);
        _wake.Dispose();
        foreach (var group in _groups)
        {
            group.Transport.Dispose();
        }
        _receiving.Dispose();
    }

    private abstract record AgentEvent
    {
        public sealed record Shutdown : AgentEvent
        {
            public static Shutdown Instance { get; } = new();
        }

        public sealed record Packet(VrrpInstanceRunner Instance, VrrpPacket Value, IPAddress Source) : AgentEvent;

        public sealed record Dropped(VrrpInstanceRunner Instance, VrrpDropReason Reason, IPAddress Source) : AgentEvent;

        public sealed record Tracking(VrrpInstanceRunner Instance, byte EffectivePriority, bool Fault) : AgentEvent;
    }
}

/// <summary>The instances sharing one raw socket: same interface and address family, keyed by VRID.</summary>
public sealed record VrrpSocketGroup(string InterfaceName, IVrrpTransport Transport, IReadOnlyDictionary<byte, VrrpInstanceRunner> Instances);
