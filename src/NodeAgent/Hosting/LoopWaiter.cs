using System.Runtime.InteropServices;
using KeepOperator.NodeAgent.Interop;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace KeepOperator.NodeAgent.Hosting;

/// <summary>
/// The agent loop's wait, on its own thread: epoll over the VRRP sockets and an eventfd that <see cref="Wake"/> writes.
/// A received advert wakes this thread alone, as keepalived's loop; waiting for readability through .NET's socket
/// engine cost a wake of the runtime's epoll thread, then of a pool thread, then of the loop (2.65x keepalived's CPU on
/// a backup). epoll's timeout is whole milliseconds and runs late by its timer slack, so epoll waits until a little
/// before the deadline and the last fraction is slept with nanosleep, which no event interrupts but which lasts about
/// a millisecond at most.
/// </summary>
internal sealed unsafe partial class LoopWaiter : IDisposable
{
    private const ulong WakeToken = ulong.MaxValue;
    private const int MaxEvents = 16;

    private readonly int _epoll;
    private readonly int _wake;

    public LoopWaiter()
    {
        _epoll = epoll_create1(EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw new LinuxErrorException("epoll_create1", errno);
        }
        _wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (_wake < 0)
        {
            var error = errno;
            close(_epoll);
            throw new LinuxErrorException("eventfd", error);
        }
        Control(EPOLL_CTL_ADD, _wake, WakeToken);
    }

    /// <summary>Watches <paramref name="descriptor"/> for readability, reported as <paramref name="token"/>; on the loop.</summary>
    public void Add(SafeHandle descriptor, int token) => Control(EPOLL_CTL_ADD, (int)descriptor.DangerousGetHandle(), (ulong)token);

    /// <summary>Stops watching <paramref name="descriptor"/>; before it is closed, on the loop.</summary>
    public void Remove(SafeHandle descriptor) => Control(EPOLL_CTL_DEL, (int)descriptor.DangerousGetHandle(), 0);

    /// <summary>Ends the loop's current or next wait; safe from any thread.</summary>
    public void Wake()
    {
        ulong one = 1;
        _ = write(_wake, &one, sizeof(ulong));
    }

    /// <summary>
    /// Returns once a watched descriptor is readable (its token added to <paramref name="ready"/>), <see cref="Wake"/>
    /// was called (the wake is consumed), or <paramref name="remaining"/> has passed (null: no deadline).
    /// </summary>
    public void Wait(TimeSpan? remaining, List<int> ready) => Wait(remaining, ready, consumeWake: true);

    /// <summary>
    /// The watched descriptors readable now, without waiting. A pending wake is left for the next <see cref="Wait(TimeSpan?, List{int})"/>:
    /// the loop polls after its events, and an event posted between its last look at the queue and this poll must still
    /// end the wait that follows.
    /// </summary>
    public void Poll(List<int> ready) => Wait(TimeSpan.Zero, ready, consumeWake: false);

    private void Wait(TimeSpan? remaining, List<int> ready, bool consumeWake)
    {
        ready.Clear();
        int timeout = -1;
        if (remaining is { } left)
        {
            // The kernel lets epoll's timeout run late by up to 0.1 % of it (0.5 % for a niced task; poll's and
            // select's timer slack): 3.6 ms on a 3.6 s Master_Down_Interval. So epoll is given that much less, and
            // the last millisecond goes to nanosleep, whose slack is 50 us.
            var early = Math.Floor((left - (left / 200)).TotalMilliseconds);
            if (early >= 1)
            {
                timeout = (int)Math.Min(int.MaxValue, early);
            }
            else
            {
                if (left > TimeSpan.Zero)
                {
                    // Under 1.005 ms here: the sleep no event interrupts stays about a millisecond at most.
                    var request = new Timespec { Seconds = 0, Nanoseconds = left.Ticks * 100 };
                    _ = NanoSleep(in request, out _);
                }
                timeout = 0; // what arrived meanwhile, without waiting
            }
        }

        epoll_event* events = stackalloc epoll_event[MaxEvents];
        int count = epoll_wait(_epoll, events, MaxEvents, timeout);
        if (count < 0 && errno != EINTR)
        {
            // Only a closed waiter gets here (EBADF): thrown, not retried, or the loop would spin.
            throw new LinuxErrorException("epoll_wait", errno);
        }
        for (int i = 0; i < count; i++)
        {
            var token = events[i].data.u64;
            if (token != WakeToken)
            {
                ready.Add((int)token);
            }
            else if (consumeWake)
            {
                ulong value;
                _ = read(_wake, &value, sizeof(ulong));
            }
        }
    }

    public void Dispose()
    {
        close(_wake);
        close(_epoll);
    }

    private void Control(int operation, int descriptor, ulong token)
    {
        var e = new epoll_event { events = EPOLLIN };
        e.data.u64 = token;
        if (epoll_ctl(_epoll, operation, descriptor, &e) != 0)
        {
            throw new LinuxErrorException($"epoll_ctl({operation}, {descriptor})", errno);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in Timespec request, out Timespec remaining);
}
