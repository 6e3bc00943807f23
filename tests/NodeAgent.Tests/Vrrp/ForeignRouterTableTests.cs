using System.Net;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Vrrp;

public sealed class ForeignRouterTableTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    private static ForeignRouter Router(int vrid, string source = "10.0.0.9", string iface = "eth0") => new(iface, IPAddress.Parse(source), (byte)vrid, 2);

    [Fact]
    public void A_router_is_new_once_and_its_last_heard_moves_on()
    {
        var table = new ForeignRouterTable();
        Assert.True(table.Observe(Router(7), T0));
        Assert.False(table.Observe(Router(7), T0.AddSeconds(1)));
        Assert.True(table.Observe(Router(7, "10.0.0.10"), T0.AddSeconds(1)));
        var current = table.Current(T0.AddSeconds(2));
        Assert.Equal(2, current.Count);
        Assert.Equal(T0.AddSeconds(1), current[0].LastHeard);
    }

    [Fact]
    public void A_silent_router_ages_out()
    {
        var table = new ForeignRouterTable();
        table.Observe(Router(7), T0);
        table.Observe(Router(8), T0.AddMinutes(5));
        Assert.Equal([8], table.Current(T0 + ForeignRouterTable.MaxAge + TimeSpan.FromSeconds(1)).Select(r => (int)r.Router.VirtualRouterId));
        Assert.True(table.Observe(Router(7), T0.AddMinutes(11)), "a router heard again after ageing out is new again");
    }

    [Fact]
    public void The_table_is_bounded_and_forgets_the_one_heard_longest_ago()
    {
        var table = new ForeignRouterTable();
        for (var i = 0; i < 1000; i++)
        {
            table.Observe(Router((i % 255) + 1, $"10.0.{i / 250}.{(i % 250) + 1}"), T0.AddMilliseconds(i));
        }

        var current = table.Current(T0.AddSeconds(1));
        Assert.Equal(ForeignRouterTable.Capacity, current.Count);
        Assert.Equal(T0.AddMilliseconds(1000 - ForeignRouterTable.Capacity), current.Min(r => r.LastHeard));
    }
}
