using System.Threading.Channels;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using static KeepOperator.NodeAgent.Tests.Infrastructure.TestNetworkNamespaces;

namespace KeepOperator.NodeAgent.Tests.Netlink;

/// <summary>The kernel's link notifications, in a namespace of the test's own: admin down and carrier loss.</summary>
public sealed class LinkMonitorTests : IDisposable
{
    private readonly TestNetworkNamespaces _ns = Create();

    public void Dispose() => _ns.Dispose();

    [RootFact]
    public async Task Reports_admin_down_carrier_loss_and_recovery_as_they_happen()
    {
        using var links = _ns.ThreadA.Invoke(() => new NetworkLinks());
        using var monitor = _ns.ThreadA.Invoke(() => LinkMonitor.Open(links));
        var seen = Channel.CreateUnbounded<NetworkLink>();
        using var stop = new CancellationTokenSource();
        var running = monitor.RunAsync(l => seen.Writer.TryWrite(l), stop.Token);
        int index = IndexOf(_ns.A, LinkA);

        async Task Expect(bool up)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (true)
            {
                var link = await seen.Reader.ReadAsync(timeout.Token);
                if (link.Index == index && link.IsUp == up)
                {
                    return;
                }
            }
        }

        Ip(_ns.A, "link", "set", LinkA, "down");
        await Expect(up: false);
        Ip(_ns.A, "link", "set", LinkA, "up");
        await Expect(up: true);
        Ip(_ns.B, "link", "set", LinkB, "down"); // the peer end: veth-a loses carrier
        await Expect(up: false);
        Ip(_ns.B, "link", "set", LinkB, "up");
        await Expect(up: true);

        await stop.CancelAsync();
        await running;
    }
}
