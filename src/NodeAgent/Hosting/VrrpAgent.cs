using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using KeepOperator.NodeAgent.Vrrp;
using KeepOperator.NodeAgent.Vrrp.Transport;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// The agent's single event loop: every instance's timers, received packets and priority changes are handled on
/// one task, in order, so instances need no locks and a burst of packets cannot reorder a transition. One raw socket
/// per (interface, family) receives for all instances on it; packets are demultiplexed by VRID.
/// </summary>
public sealed class VrrpAgent : IAsyncDisposable
{
    private readonly Channel<AgentEvent> _events = Channel.CreateUnbounded<AgentEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeProvider _time;
    private readonly AgentLog _log;
    private readonly IReadOnlyList<VrrpSocketGroup> _groups;
    private readonly ITimer _timer;
    private readonly CancellationTokenSource _receiving = new();
    private readonly List<Task> _receivers = [];

    public VrrpAgent(IReadOnlyList<VrrpSocketGroup> groups, TimeProvider time, AgentLog log)
    {
        _groups = groups;
        _time = time;
        _log = log;
        _timer = time.CreateTimer(_ => _events.Writer.TryWrite(AgentEvent.Tick.Instance), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public IEnumerable<VrrpInstanceRunner> Instances => _groups.SelectMany(g => g.Instances.Values);

    /// <summary>Hands the loop a tracking verdict for an instance; safe from any thread.</summary>
    public void PostTracking(VrrpInstanceRunner instance, byte effectivePriority, bool fault) =>
        _events.Writer.TryWrite(new AgentEvent.Tracking(instance, effectivePriority, fault));

    /// <summary>Asks the loop to send priority 0, release the VIPs and return; safe from any thread.</summary>
    public void RequestShutdown() => _events.Writer.TryWrite(AgentEvent.Shutdown.Instance);

    public async Task RunAsync()
    {
        var now = _time.GetUtcNow();
        foreach (var instance in Instances)
        {
            instance.Start(now);
        }
        foreach (var group in _groups)
        {
            _receivers.Add(Task.Run(() => ReceiveLoopAsync(group, _receiving.Token)));
        }
        Rearm();
        await foreach (var e in _events.Reader.ReadAllAsync())
        {
            now = _time.GetUtcNow();
            switch (e)
            {
                case AgentEvent.Packet p:
                    p.Instance.Receive(p.Value, p.Source, now);
                    break;
                case AgentEvent.Dropped d:
                    d.Instance.CountDrop(d.Reason, d.Source, now);
                    break;
                case AgentEvent.Tracking t:
                    t.Instance.ApplyTracking(t.EffectivePriority, t.Fault, now);
                    break;
                case AgentEvent.Shutdown:
                    foreach (var instance in Instances)
                    {
                        instance.Shutdown(now);
                    }
                    return;
            }
            foreach (var instance in Instances)
            {
                instance.Tick(now);
            }
            Rearm();
        }
    }

    private void Rearm()
    {
        var next = Instances.Select(i => i.NextDeadline).Where(d => d is not null).Min();
        var delay = next is { } due ? due - _time.GetUtcNow() : Timeout.InfiniteTimeSpan;
        _timer.Change(delay < TimeSpan.Zero && delay != Timeout.InfiniteTimeSpan ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
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
                _events.Writer.TryWrite(new AgentEvent.Packet(instance, packet, datagram.Source));
            }
            else
            {
                _events.Writer.TryWrite(new AgentEvent.Dropped(instance, reason, datagram.Source));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _receiving.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_receivers).ConfigureAwait(false);
        await _timer.DisposeAsync().ConfigureAwait(false);
        foreach (var group in _groups)
        {
            group.Transport.Dispose();
        }
        _receiving.Dispose();
    }

    private abstract record AgentEvent
    {
        public sealed record Tick : AgentEvent
        {
            public static Tick Instance { get; } = new();
        }

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
