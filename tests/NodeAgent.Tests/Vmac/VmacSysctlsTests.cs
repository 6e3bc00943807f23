using KeepOperator.NodeAgent.Vmac;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Vmac;

public sealed class VmacSysctlsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vmac-sysctl-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void The_parent_and_the_vmac_answer_arp_only_for_their_own_addresses()
    {
        var settings = VmacSysctls.For("eth0", "vrrp.51");
        Assert.Equal(
            [
                ("net/ipv4/conf/eth0/arp_ignore", "1"),
                ("net/ipv4/conf/eth0/arp_filter", "1"),
                ("net/ipv4/conf/eth0/arp_announce", "2"),
                ("net/ipv4/conf/vrrp.51/arp_ignore", "1"),
                ("net/ipv4/conf/vrrp.51/accept_local", "1"),
                ("net/ipv4/conf/vrrp.51/rp_filter", "0"),
            ],
            settings);

        foreach (var name in new[] { "eth0", "vrrp.51" })
        {
            Directory.CreateDirectory(Path.Combine(_root, "net/ipv4/conf", name));
        }
        VmacSysctls.Apply(settings, _root);
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(_root, "net/ipv4/conf/vrrp.51/rp_filter")));
    }

    [Fact]
    public void A_file_that_cannot_be_written_is_reported_with_what_VMAC_needs()
    {
        // A regular file where a directory should be: the write fails even for root, as on a read-only /proc/sys.
        File.WriteAllText(Path.Combine(_root, "net"), "");
        var ex = Assert.Throws<IOException>(() => VmacSysctls.Apply(VmacSysctls.For("eth0", "vrrp.51"), _root));
        Assert.Contains("useVmac needs a writable /proc/sys", ex.Message, StringComparison.Ordinal);
        Assert.Contains("net/ipv4/conf/eth0/arp_ignore", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.InnerException);
    }
}
