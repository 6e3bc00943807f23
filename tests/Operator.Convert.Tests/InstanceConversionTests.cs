using KeepOperator.Api;
using Xunit;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>vrrp_instance and global_defs keywords, one by one.</summary>
public class InstanceConversionTests
{
    private static ConversionResult Convert(string instanceBody, string globals = "") =>
        InMemoryConfigFiles.Convert(new()
        {
            ["k.conf"] = $"global_defs {{\n router_id lb1\n{globals}}}\nvrrp_instance VI_1 {{\n interface eth0\n virtual_router_id 7\n{instanceBody}}}\n",
        });

    private static VirtualIpSpec Spec(ConversionResult result)
    {
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return Assert.Single(result.VirtualIps).Spec;
    }

    private static IEnumerable<string> Messages(ConversionResult result) => result.Diagnostics.Select(d => d.ToString());

    [Fact]
    public void AnAddressListedTwiceIsKeptOnce()
    {
        var result = Convert(" virtual_ipaddress {\n  10.1.1.1\n  10.1.1.2\n  10.1.1.1/32 label eth0:1\n }\n");
        Assert.Equal(["10.1.1.1", "10.1.1.2"], Spec(result).Addresses);
        Assert.Contains("k.conf:10: warning: virtual_ipaddress: 10.1.1.1/32 is listed already (as 10.1.1.1): kept once, with the first line's options", Messages(result));
    }

    [Fact]
    public void ReadsTheVrrpSettings()
    {
        var spec = Spec(Convert(" priority 120\n advert_int 3\n nopreempt\n preempt_delay 2.5\n garp_master_delay 10\n garp_master_repeat 3\n garp_master_refresh 60\n virtual_ipaddress {\n  10.1.1.1/24\n }\n"));
        Assert.Equal(("3s", false, "2.5s"), (spec.AdvertInterval, spec.Preempt, spec.PreemptDelay));
        Assert.Equal(("10s", 3, "1m0s"), (spec.GratuitousArp!.Delay, spec.GratuitousArp.Repeat, spec.GratuitousArp.RefreshInterval));
        Assert.Equal(["10.1.1.1/24"], spec.Addresses);
        Assert.Equal(120, spec.Priorities![0].Priority);
        Assert.Null(spec.VrrpVersion);
    }

    [Fact]
    public void GlobalDefaultsApplyUnlessTheInstanceSetsItsOwn()
    {
        var spec = Spec(Convert(" version 3\n advert_int 0.5\n garp_master_repeat 2\n virtual_ipaddress {\n  fd00::1\n }\n", " vrrp_version 2\n vrrp_garp_master_delay 1\n vrrp_garp_master_repeat 9\n"));
        Assert.Equal((3, "500ms"), (spec.VrrpVersion, spec.AdvertInterval));
        Assert.Equal(("1s", 2), (spec.GratuitousArp!.Delay, spec.GratuitousArp.Repeat));
    }

    [Fact]
    public void VirtualIpAddressPartsDevAndLabelAreReportedWhenNotConvertible()
    {
        var result = Convert(" virtual_ipaddress {\n  10.1.1.1/24 dev eth0\n  10.1.1.2/24 dev eth1 label eth1:vip\n  10.1.1.3 brd 10.1.1.255 scope global\n }\n");
        Assert.Equal(["10.1.1.1/24", "10.1.1.2/24", "10.1.1.3"], Spec(result).Addresses);
        var messages = Messages(result).ToList();
        Assert.Contains("k.conf:9: warning: 10.1.1.2/24 dev eth1: not converted as given: a VirtualIp holds all its addresses on one interface (eth0)", messages);
        Assert.Contains("k.conf:9: warning: 10.1.1.2/24: label eth1:vip not converted: addresses are added without a label", messages);
        Assert.Contains("k.conf:10: warning: 10.1.1.3: option \"brd 10.1.1.255\" not converted: ignored", messages);
        Assert.Contains("k.conf:10: warning: 10.1.1.3: option \"scope global\" not converted: ignored", messages);
        Assert.DoesNotContain(messages, m => m.StartsWith("k.conf:8:", StringComparison.Ordinal));
    }

    [Fact]
    public void AStateMasterWithoutPriorityIsTheAddressOwnerAndBecomes254()
    {
        var result = Convert(" state MASTER\n virtual_ipaddress {\n  10.1.1.1\n }\n");
        Assert.Equal(254, Spec(result).Priorities![0].Priority);
        Assert.Contains("k.conf:4: warning: priority 255 (address owner, keepalived's default with state MASTER) becomes 254: KeepOperator priorities are 1-254", Messages(result));
    }

    [Fact]
    public void ABackupWithoutPriorityGetsKeepalivedsDefault()
    {
        Assert.Equal(100, Spec(Convert(" state BACKUP\n virtual_ipaddress {\n  10.1.1.1\n }\n")).Priorities![0].Priority);
    }

    [Fact]
    public void ALongAuthPassIsCutToTheEightBytesKeepalivedSends()
    {
        var result = Convert(" authentication {\n  auth_type PASS\n  auth_pass 0123456789\n }\n virtual_ipaddress {\n  10.1.1.1\n }\n");
        Assert.Equal("01234567", Spec(result).Authentication!.Password);
        Assert.Contains("k.conf:7: warning: auth_pass is longer than 8 bytes: keepalived uses only \"01234567\", and so does the conversion", Messages(result));
    }

    [Fact]
    public void AhAuthenticationHasNoEquivalent()
    {
        var result = Convert(" authentication {\n  auth_type AH\n  auth_pass x\n }\n virtual_ipaddress {\n  10.1.1.1\n }\n");
        Assert.Null(Spec(result).Authentication);
        Assert.Contains(Messages(result), m => m.StartsWith("k.conf:7: warning: authentication: not converted: auth_type AH", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("notify_fault /bin/x", "notify_fault: not converted: no equivalent: KeepOperator runs no scripts")]
    [InlineData("track_file {\n  f\n }", "track_file: not converted: no equivalent; express the condition as a spec.track entry")]
    [InlineData("priorty 5", "priorty: unknown or unsupported keyword in vrrp_instance: ignored")]
    public void WhatHasNoEquivalentIsAWarningWithItsLine(string statement, string message)
    {
        var result = Convert($" virtual_ipaddress {{\n  10.1.1.1\n }}\n {statement}\n");
        Assert.True(result.Succeeded);
        Assert.Contains(Messages(result), m => m.StartsWith($"k.conf:10: warning: {message}", StringComparison.Ordinal));
    }

    [Fact]
    public void UseVmacMapsWithItsNameAndNotesThatAdvertsGoFromTheBase()
    {
        var result = Convert(" use_vmac vrrp.7\n virtual_ipaddress {\n  10.1.1.1\n }\n");
        Assert.Equal("vrrp.7", Spec(result).UseVmac!.InterfaceName);
        Assert.Empty(VirtualIpValidator.Validate(Assert.Single(result.VirtualIps)));
        Assert.Contains(Messages(result), m => m.Contains("use_vmac: advertisements go from the interface itself, as keepalived sends them with vmac_xmit_base", StringComparison.Ordinal));

        var withBase = Convert(" use_vmac\n vmac_xmit_base\n virtual_ipaddress {\n  10.1.1.1\n }\n");
        Assert.Null(Spec(withBase).UseVmac!.InterfaceName);
        Assert.DoesNotContain(Messages(withBase), m => m.Contains("vmac", StringComparison.Ordinal));
    }

    [Fact]
    public void VmacXmitBaseWithoutUseVmacIsIgnored()
    {
        var result = Convert(" vmac_xmit_base\n virtual_ipaddress {\n  10.1.1.1\n }\n");
        Assert.Null(Spec(result).UseVmac);
        Assert.Contains("k.conf:7: warning: vmac_xmit_base without use_vmac: ignored", Messages(result));
    }

    [Fact]
    public void TrackInterfaceEntriesKeepTheirWeightsAndWithoutOneMeanFault()
    {
        var result = Convert(" track_interface {\n  eth1\n  eth2 weight -20\n  eth3 weight 10 reverse\n }\n virtual_ipaddress {\n  10.1.1.1\n }\n");
        var tracked = Spec(result).TrackInterfaces!;
        Assert.Equal([("eth1", (int?)null), ("eth2", -20), ("eth3", 10)], tracked.Select(t => (t.Name!, t.Weight)));
        Assert.Contains("k.conf:10: warning: track_interface eth3: reverse not converted: the weight applies the usual way round (negative while down, positive while up)", Messages(result));
    }

    [Fact]
    public void The_global_lvs_sync_daemon_gives_its_instance_connection_sync()
    {
        var result = Convert(" virtual_ipaddress {\n  10.1.1.1\n }\n", " lvs_sync_daemon eth1 VI_1 id 5 maxlen 1400 port 8849\n");
        var sync = Spec(result).ConnectionSync!;
        Assert.Equal(("eth1", (int?)5, (int?)1400), (sync.Interface, sync.SyncId, sync.MaxPacketLength));
        Assert.Contains(Messages(result), m => m.StartsWith("k.conf:3: warning: lvs_sync_daemon: port 8849 not converted", StringComparison.Ordinal));
    }

    [Fact]
    public void The_older_per_instance_lvs_sync_daemon_interface_maps_too_and_a_global_naming_no_instance_is_reported()
    {
        var result = Convert(" lvs_sync_daemon_interface eth2\n virtual_ipaddress {\n  10.1.1.1\n }\n", " lvs_sync_daemon eth1 VI_9\n");
        var sync = Spec(result).ConnectionSync!;
        Assert.Equal(("eth2", (int?)null), (sync.Interface, sync.SyncId));
        Assert.Contains("k.conf:3: warning: lvs_sync_daemon: no vrrp_instance VI_9 was converted: not converted", Messages(result));
        Assert.False(Convert(" virtual_ipaddress {\n  10.1.1.1\n }\n", " lvs_sync_daemon eth1 VI_1 id\n").Succeeded);
    }

    [Fact]
    public void A_vrrp_sync_group_names_its_members_and_zeroes_their_tracking_weights_as_keepalived_does()
    {
        var result = InMemoryConfigFiles.Convert(new()
        {
            ["k.conf"] = "global_defs {\n router_id lb1\n}\n"
                + "vrrp_sync_group VG_1 {\n group {\n  OUT\n  IN\n }\n sync_group_tracking_weight\n}\n"
                + "vrrp_instance OUT {\n interface eth0\n virtual_router_id 1\n track_interface {\n  eth2 weight -20\n }\n virtual_ipaddress {\n  10.1.1.1\n }\n}\n"
                + "vrrp_instance IN {\n interface eth1\n virtual_router_id 2\n virtual_ipaddress {\n  10.2.1.1\n }\n}\n"
                + "vrrp_instance OTHER {\n interface eth1\n virtual_router_id 3\n virtual_ipaddress {\n  10.2.1.2\n }\n}\n",
        });

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var groups = result.VirtualIps.ToDictionary(v => v.Metadata.Name!, v => v.Spec.SyncGroup);
        Assert.Equal(new Dictionary<string, string?> { ["out"] = "vg-1", ["in"] = "vg-1", ["other"] = null }, groups);
        Assert.Null(result.VirtualIps.Single(v => v.Metadata.Name == "out").Spec.TrackInterfaces!.Single().Weight);
        var messages = Messages(result).ToList();
        Assert.Contains("k.conf:11: warning: vrrp_instance OUT: track_interface eth2 weight -20 set to 0 (down means FAULT), as keepalived does in sync group vg-1", messages);
        Assert.Contains(messages, m => m.StartsWith("k.conf:9: warning: sync_group_tracking_weight: not converted", StringComparison.Ordinal));
    }

    [Fact]
    public void UnicastPeersAndSourceBecomeOnePeerList()
    {
        var result = Convert(" unicast_src_ip 10.1.1.2\n unicast_peer {\n  10.1.1.3\n  10.1.1.4 min_ttl 1\n }\n virtual_ipaddress {\n  10.1.1.1\n }\n");
        var spec = Spec(result);
        Assert.Equal(["10.1.1.2", "10.1.1.3", "10.1.1.4"], spec.Unicast!.Peers);
        Assert.Null(spec.Unicast.SourceAddress);
        Assert.Empty(VirtualIpValidator.Validate(Assert.Single(result.VirtualIps)));
        var messages = Messages(result).ToList();
        Assert.Contains("k.conf:7: note: unicast_src_ip 10.1.1.2: listed in spec.unicast.peers; the node holding it leaves it out and sends from it", messages);
        Assert.Contains("k.conf:10: warning: 10.1.1.4: \"min_ttl 1\" not converted: unicast adverts are accepted whatever their TTL", messages);
    }

    [Fact]
    public void AUnicastPeerMustBeAnAddress()
    {
        var result = Convert(" unicast_peer {\n  lb2\n }\n virtual_ipaddress {\n  10.1.1.1\n }\n");
        Assert.False(result.Succeeded);
        Assert.Contains("k.conf:8: error: unicast_peer: \"lb2\" is not an IP address", Messages(result));
    }

    [Fact]
    public void ATrackScriptWithoutWeightSaysFailureMeansFault()
    {
        var text = "global_defs {\n router_id lb1\n}\nvrrp_script chk {\n script \"/bin/check\"\n}\nvrrp_script unused {\n script /bin/true\n}\n" +
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n  10.1.1.1\n }\n track_script {\n  chk\n  chk2 weight 10\n }\n}\n";
        var messages = Messages(InMemoryConfigFiles.Convert(new() { ["k.conf"] = text })).ToList();
        Assert.Contains("k.conf:7: warning: vrrp_script unused: not converted: no vrrp_instance tracks it", messages);
        Assert.Contains("k.conf:17: warning: track_script chk (vrrp_script at k.conf:4: script \"/bin/check\") not converted: KeepOperator runs no scripts; without a weight a failing script means FAULT: a spec.track entry with weight 0 does the same", messages);
        Assert.Contains("k.conf:18: warning: track_script chk2: no vrrp_script of that name: ignored", messages);
    }

    [Fact]
    public void ATrackScriptWeightOverridesTheScriptsWeight()
    {
        var text = "global_defs {\n router_id lb1\n}\nvrrp_script chk {\n script \"/bin/check\"\n weight -5\n rise 2\n fall 3\n}\n" +
            "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 7\n virtual_ipaddress {\n  10.1.1.1\n }\n track_script {\n  chk weight 30\n }\n}\n";
        var messages = Messages(InMemoryConfigFiles.Convert(new() { ["k.conf"] = text }));
        Assert.Contains(messages, m => m.StartsWith("k.conf:17: warning: track_script chk", StringComparison.Ordinal)
            && m.EndsWith("{name: chk, tcp: {port: PORT} | http: {url: URL} | pods: {selector: ...}, weight: 30, rise: 2, fall: 3}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(" virtual_router_id 300\n", "k.conf:7: error: virtual_router_id: expected a whole number from 1 to 255, got \"300\"")]
    [InlineData(" priority high\n", "k.conf:7: error: priority: expected a whole number from 1 to 255, got \"high\"")]
    [InlineData(" advert_int\n", "k.conf:7: error: advert_int: missing value")]
    [InlineData(" virtual_ipaddress {\n  10.1.1\n }\n", "k.conf:8: error: virtual_ipaddress: \"10.1.1\" is not an IP address or ADDRESS/PREFIX")]
    public void InvalidValuesAreErrorsWithTheirLine(string body, string error)
    {
        var result = Convert(body);
        Assert.False(result.Succeeded);
        Assert.Contains(error, Messages(result));
        Assert.Equal("", result.Yaml);
    }

    [Fact]
    public void WhatTheSchemaRefusesIsAnError()
    {
        // IPv6 needs VRRP version 3: the converter passes it on and the read-back check refuses it.
        var result = Convert(" virtual_ipaddress {\n  fd00::1\n }\n");
        Assert.False(result.Succeeded);
        Assert.Contains("error: the converted VirtualIp \"vi-1\" is not valid: spec.vrrpVersion: IPv6 addresses need VRRP version 3 (version 2 is IPv4 only)", Messages(result));
    }

    [Theory]
    [InlineData("vrrp_sync_group G {\n group {\n  VI_1\n }\n}\n", "k.conf:6: warning: vrrp_sync_group g: no vrrp_instance VI_1 in this file: ignored")]
    [InlineData("vrrp_sync_group G {\n notify_master /bin/x\n}\n", "k.conf:5: warning: notify_master: not converted: no equivalent: KeepOperator runs no scripts for a group")]
    [InlineData("global_defs {\n notification_email {\n  a@b\n }\n}\n", "k.conf:5: warning: notification_email: not converted: global setting with no equivalent")]
    [InlineData("vrrp_instanse VI_1 {\n}\n", "k.conf:4: error: unknown top-level keyword \"vrrp_instanse\"")]
    public void TopLevelBlocks(string text, string message)
    {
        var result = InMemoryConfigFiles.Convert(new() { ["k.conf"] = "global_defs {\n router_id lb1\n}\n" + text });
        Assert.Contains(Messages(result), m => m.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void AFileWithoutRouterIdIsNamedAfterTheFile()
    {
        var result = InMemoryConfigFiles.Convert(new() { ["/etc/lb7.conf"] = "vrrp_instance V {\n virtual_router_id 1\n virtual_ipaddress {\n  10.1.1.1\n }\n}\n" });
        Assert.Equal("lb7", Spec(result).Priorities![0].NodeName);
        Assert.Contains("/etc/lb7.conf:1: warning: no global_defs router_id: the node is called \"lb7\" after the file (rename it with --node-name-map lb7=NODE)", Messages(result));
    }

    /// <summary>Found by the fuzz campaign: words after a keyword that takes none crashed the converter.</summary>
    [Fact]
    public void WordsAfterAKeywordWithoutValueAreReported()
    {
        var result = Convert(" nopreempt please\n virtual_ipaddress {\n  10.1.1.1\n }\n");
        Assert.False(Spec(result).Preempt);
        Assert.Contains("k.conf:7: warning: nopreempt: ignored the words after \"nopreempt\" (keepalived takes no value): please", Messages(result));
    }
}
