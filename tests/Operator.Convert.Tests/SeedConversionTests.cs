using KeepOperator.Api;
using KeepOperator.Api.Manifests;
using Xunit;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>The seed's master/backup pair, odd lines included, converted and read back through the schema.</summary>
public class SeedConversionTests
{
    private static readonly Run Seed = Run.Convert(RepositoryPaths.SeedMaster, RepositoryPaths.SeedSlave);

    private static IReadOnlyList<ManifestDocument> ReadBack() =>
        ManifestReader.Read(Seed.Stdout, "seed.yaml", ValidationMode.Standalone, ManifestKinds.All);

    [Fact]
    public void ConvertsWithExitCodeZero()
    {
        Assert.True(Seed.ExitCode == 0, Seed.Stderr);
        Assert.StartsWith("apiVersion: keepoperator.io/v1alpha1", Seed.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void TheMasterAndTheBackupBecomeOneVirtualIp()
    {
        var vip = Assert.Single(ReadBack().Select(d => d.Object).OfType<VirtualIp>());
        Assert.Equal("vi-1", vip.Metadata.Name);
        Assert.Equal(["192.168.216.250"], vip.Spec.Addresses);
        Assert.Equal(52, vip.Spec.VirtualRouterId);
        Assert.Equal("ens33", vip.Spec.Interface);
        Assert.Equal("1s", vip.Spec.AdvertInterval);
        Assert.Equal([("lb01", 100), ("lb02", 90)], vip.Spec.Priorities!.Select(p => (p.NodeName!, p.Priority!.Value)));
        Assert.Equal("PASS", vip.Spec.Authentication!.Type);
        Assert.Equal("lll", vip.Spec.Authentication.Password);
        Assert.Null(vip.Spec.Track);
    }

    [Fact]
    public void TheIdenticalVirtualServerBlocksBecomeOneVirtualServer()
    {
        var vs = Assert.Single(ReadBack().Select(d => d.Object).OfType<VirtualServer>());
        Assert.Equal("vi-1-80", vs.Metadata.Name);
        Assert.Equal("vi-1", vs.Spec.VirtualIpRef);
        Assert.Null(vs.Spec.Address);
        Assert.Equal(80, vs.Spec.Port);
        Assert.Equal("TCP", vs.Spec.Protocol);
        Assert.Equal("rr", vs.Spec.Scheduler);
        Assert.Equal("DR", vs.Spec.Forwarding);
        Assert.Equal("50s", vs.Spec.PersistenceTimeout);
        Assert.Equal([("192.168.216.179", 80, 1), ("192.168.216.204", 80, 1)], vs.Spec.RealServers!.Select(r => (r.Address, r.Port!.Value, r.Weight!.Value)));
        var check = vs.Spec.HealthCheck!;
        Assert.Equal("6s", check.Interval);
        Assert.Equal(3, check.Retries);
        Assert.Equal("3s", check.DelayBeforeRetry);
        Assert.Equal(80, check.Tcp!.Port);
        Assert.Equal("3s", check.Tcp.ConnectTimeout);
        Assert.Null(check.Http);
    }

    [Fact]
    public void WarnsAboutTheScriptAndTheNotifyLinesWithTheirLines()
    {
        var master = RepositoryPaths.SeedMaster;
        var slave = RepositoryPaths.SeedSlave;
        var lines = Seed.StderrLines;
        Assert.Contains(lines, l => l.StartsWith($"{master}:27: warning: track_script httpd_check (vrrp_script at {master}:7", StringComparison.Ordinal)
            && l.Contains("script \"/scripts/check_m.sh\"", StringComparison.Ordinal)
            && l.Contains("weight: -20, interval: 1s", StringComparison.Ordinal));
        Assert.Contains($"{master}:29: warning: notify_master: not converted: ", Seed.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{master}:30: warning: notify_backup: not converted: ", Seed.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{slave}:20: warning: notify_master: not converted: ", Seed.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{slave}:21: warning: notify_backup: not converted: ", Seed.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WarnsAboutTheStrayWordsAfterAuthPass()
    {
        Assert.Contains(Seed.StderrLines, l => l.StartsWith($"{RepositoryPaths.SeedMaster}:21: warning: auth_pass: ignored the words after \"lll\"", StringComparison.Ordinal)
            && l.EndsWith("Certificate matching, setting authentication type and password, MASTER and BACKUP You must use the same password to communicate properly", StringComparison.Ordinal));
        Assert.DoesNotContain(Seed.StderrLines, l => l.StartsWith($"{RepositoryPaths.SeedSlave}:", StringComparison.Ordinal) && l.Contains("auth_pass", StringComparison.Ordinal));
    }

    [Fact]
    public void DropsTheStateLinesWithANote()
    {
        Assert.Contains($"{RepositoryPaths.SeedMaster}:14: note: state MASTER: dropped: VRRP elects the master by priority (lb01 has 100 here)", Seed.StderrLines);
        Assert.Contains($"{RepositoryPaths.SeedSlave}:8: note: state BACKUP: dropped: VRRP elects the master by priority (lb02 has 90 here)", Seed.StderrLines);
    }

    [Fact]
    public void EveryMessageNamesItsFileAndLine()
    {
        Assert.All(Seed.StderrLines, l => Assert.Matches(@"^/\S+\.conf:\d+: (warning|note): ", l));
    }
}
