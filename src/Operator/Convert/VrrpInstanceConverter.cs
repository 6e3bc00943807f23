using System.Text;
using KeepOperator.Api;

namespace KeepOperator.Operator.Convert;

/// <summary>Converts one vrrp_instance block of one node into the settings of a VirtualIp and the node's priority.</summary>
public sealed class VrrpInstanceConverter(ConfigValueReader reader)
{
    private const string NotifyReason = "no equivalent: KeepOperator runs no scripts; every transition is logged (event=transition) and, in a cluster, shown in the VirtualIp's status";

    private const string TrackReason = "no equivalent; express the condition as a spec.track entry (tcp, http or pods) or spec.trackInterfaces";

    private static readonly Dictionary<string, string> NoEquivalent = new(StringComparer.Ordinal)
    {
        ["notify"] = NotifyReason,
        ["notify_master"] = NotifyReason,
        ["notify_backup"] = NotifyReason,
        ["notify_fault"] = NotifyReason,
        ["notify_stop"] = NotifyReason,
        ["notify_deleted"] = NotifyReason,
        ["notify_master_rx_lower_pri"] = NotifyReason,
        ["smtp_alert"] = "no equivalent: KeepOperator sends no mail",
        ["mcast_src_ip"] = "no equivalent: adverts are sent from the interface's primary address",
        ["track_file"] = TrackReason,
        ["track_process"] = TrackReason,
        ["track_bfd"] = TrackReason,
        ["virtual_routes"] = "no equivalent: routes are not managed",
        ["virtual_rules"] = "no equivalent: routing rules are not managed",
        ["garp_master_refresh_repeat"] = "no equivalent: a refresh sends gratuitousArp.repeat messages",
    };

    public ConvertedInstance? Convert(ConfigNode node, string routerId, KeepalivedGlobals globals, IReadOnlyDictionary<string, VrrpScript> scripts, ISet<string> usedScripts)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(globals);
        ArgumentNullException.ThrowIfNull(scripts);
        ArgumentNullException.ThrowIfNull(usedScripts);
        if (node.Args.Count == 0)
        {
            reader.Diagnostics.Error(node.Location, "vrrp_instance: missing name");
            return null;
        }

        reader.IgnoreExtraWords(node, 1);
        var spec = new VirtualIpSpec { VrrpVersion = globals.VrrpVersion };
        var garp = new GratuitousArp { Delay = globals.GarpDelay, Repeat = globals.GarpRepeat, RefreshInterval = globals.GarpRefresh };
        int? priority = null;
        ConfigNode? state = null;
        ConfigNode? xmitBase = null;
        var devices = new List<(string Address, string Device, SourceLocation Location)>();
        foreach (var child in node.Block)
        {
            switch (child.Keyword)
            {
                case "state":
                    state = child;
                    reader.Word(child);
                    break;
                case "interface":
                    spec.Interface = reader.Word(child);
                    break;
                case "virtual_router_id":
                    spec.VirtualRouterId = reader.Integer(child, 1, 255);
                    break;
                case "priority":
                    priority = reader.Integer(child, 1, 255);
                    break;
                case "advert_int":
                    spec.AdvertInterval = reader.Seconds(child, 255);
                    break;
                case "version":
                    spec.VrrpVersion = reader.Integer(child, 2, 3);
                    break;
                case "nopreempt":
                    reader.IgnoreExtraWords(child, 0);
                    spec.Preempt = false;
                    break;
                case "preempt_delay":
                    spec.PreemptDelay = reader.Seconds(child, 1000);
                    break;
                case "garp_master_delay":
                    garp.Delay = reader.Seconds(child, 255);
                    break;
                case "garp_master_repeat":
                    garp.Repeat = reader.Integer(child, 0, 255);
                    break;
                case "garp_master_refresh":
                    garp.RefreshInterval = reader.Seconds(child, 86400);
                    break;
                case "authentication":
                    spec.Authentication = ReadAuthentication(child);
                    break;
                case "virtual_ipaddress":
                    ReadAddresses(child, spec.Addresses, devices);
                    break;
                case "virtual_ipaddress_excluded":
                    reader.Diagnostics.Warning(child.Location, "virtual_ipaddress_excluded: converted as ordinary addresses (they will be listed in the adverts too)");
                    ReadAddresses(child, spec.Addresses, devices);
                    break;
                case "track_script":
                    WarnTrackScripts(child, scripts, usedScripts);
                    break;
                case "track_interface":
                    (spec.TrackInterfaces ??= []).AddRange(ReadTrackInterfaces(child));
                    break;
                case "unicast_peer":
                    ReadUnicastPeers(child, spec.Unicast ??= new VrrpUnicast());
                    break;
                case "unicast_src_ip":
                    ReadUnicastSource(child, spec.Unicast ??= new VrrpUnicast());
                    break;
                case "use_vmac":
                    reader.IgnoreExtraWords(child, 1);
                    spec.UseVmac = new VirtualMac { InterfaceName = child.Args.FirstOrDefault() };
                    break;
                case "lvs_sync_daemon_interface":
                    spec.ConnectionSync = new ConnectionSyncConverter(reader).ReadInstanceInterface(child);
                    break;
                case "vmac_xmit_base":
                    reader.IgnoreExtraWords(child, 0);
                    xmitBase = child;
                    break;
                default:
                    if (NoEquivalent.TryGetValue(child.Keyword, out var why))
                    {
                        reader.NotConverted(child, why);
                    }
                    else
                    {
                        reader.Unknown(child, "vrrp_instance");
                    }

                    break;
            }
        }

        CheckDevices(spec.Interface, devices);
        CheckVmac(spec.UseVmac, xmitBase, node);
        if (garp.Delay is not null || garp.Repeat is not null || garp.RefreshInterval is not null)
        {
            spec.GratuitousArp = garp;
        }

        return new ConvertedInstance(node.Args[0], NodePriority(priority, state, node, routerId), spec, node.Location);
    }

    /// <summary>The agent always sends advertisements from the base interface, which keepalived does only with vmac_xmit_base.</summary>
    private void CheckVmac(VirtualMac? vmac, ConfigNode? xmitBase, ConfigNode instance)
    {
        if (vmac is null && xmitBase is not null)
        {
            reader.Diagnostics.Warning(xmitBase.Location, "vmac_xmit_base without use_vmac: ignored");
        }
        else if (vmac is not null && xmitBase is null)
        {
            reader.Diagnostics.Note(instance.Location, "use_vmac: advertisements go from the interface itself, as keepalived sends them with vmac_xmit_base; the addresses, gratuitous ARPs and ARP replies use the virtual MAC");
        }
    }

    /// <summary>keepalived: no priority means 255 (address owner) with state MASTER, else 100.</summary>
    private int NodePriority(int? priority, ConfigNode? state, ConfigNode instance, string routerId)
    {
        var stateWord = state?.Args.FirstOrDefault();
        var value = priority ?? (stateWord == "MASTER" ? 255 : VirtualIpDefaults.Priority);
        if (state is not null)
        {
            reader.Diagnostics.Note(state.Location, $"state {stateWord}: dropped: VRRP elects the master by priority ({routerId} has {Math.Min(value, 254)} here)");
        }

        if (value == 255)
        {
            reader.Diagnostics.Warning(priority is null ? instance.Location : state?.Location ?? instance.Location,
                $"priority 255 (address owner{(priority is null ? ", keepalived's default with state MASTER" : "")}) becomes 254: KeepOperator priorities are 1-254");
            return 254;
        }

        return value;
    }

    private VrrpAuthentication? ReadAuthentication(ConfigNode node)
    {
        string? type = null;
        string? password = null;
        foreach (var child in node.Block)
        {
            switch (child.Keyword)
            {
                case "auth_type":
                    type = reader.Word(child);
                    break;
                case "auth_pass":
                    password = reader.Word(child);
                    break;
                default:
                    reader.Unknown(child, "authentication");
                    break;
            }
        }

        if (type == "AH")
        {
            reader.NotConverted(node, "auth_type AH has no equivalent (only PASS): keepalived peers still using AH will drop this node's adverts");
            return null;
        }

        if (type is not (null or "PASS"))
        {
            reader.Diagnostics.Error(node.Location, $"auth_type: expected PASS or AH, got \"{type}\"");
            return null;
        }

        if (password is null)
        {
            reader.Diagnostics.Warning(node.Location, "authentication without auth_pass: no authentication");
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(password);
        if (bytes.Length > 8)
        {
            // keepalived puts only the first 8 bytes on the wire; keeping those keeps the two interoperable.
            var truncated = Encoding.UTF8.GetString(bytes, 0, 8).TrimEnd('\uFFFD');
            reader.Diagnostics.Warning(node.Location, $"auth_pass is longer than 8 bytes: keepalived uses only \"{truncated}\", and so does the conversion");
            password = truncated;
        }

        return new VrrpAuthentication { Type = VirtualIpDefaults.AuthenticationType, Password = password };
    }

    private void ReadAddresses(ConfigNode node, List<string> addresses, List<(string Address, string Device, SourceLocation Location)> devices)
    {
        foreach (var entry in node.Block)
        {
            if (!VirtualIpValidator.TryParseAddress(entry.Keyword, out var address, out _, out _))
            {
                reader.Diagnostics.Error(entry.Location, $"{node.Keyword}: \"{entry.Keyword}\" is not an IP address or ADDRESS/PREFIX");
                continue;
            }

            // keepalived holds an address once however often it is listed; a VirtualIp lists it once.
            if (addresses.Find(a => VirtualIpValidator.TryParseAddress(a, out var other, out _, out _) && other.Equals(address)) is { } first)
            {
                reader.Diagnostics.Warning(entry.Location, $"{node.Keyword}: {entry.Keyword} is listed already (as {first}): kept once, with the first line's options");
                continue;
            }

            addresses.Add(entry.Keyword);
            for (var i = 0; i < entry.Args.Count; i++)
            {
                var option = entry.Args[i];
                var value = OptionsWithValue.Contains(option) && i + 1 < entry.Args.Count ? entry.Args[++i] : null;
                if (option == "dev" && value is not null)
                {
                    devices.Add((entry.Keyword, value, entry.Location));
                }
                else if (option == "label")
                {
                    reader.Diagnostics.Warning(entry.Location, $"{entry.Keyword}: label {value} not converted: addresses are added without a label");
                }
                else
                {
                    reader.Diagnostics.Warning(entry.Location, $"{entry.Keyword}: option \"{option}{(value is null ? "" : " " + value)}\" not converted: ignored");
                }
            }
        }
    }

    private static readonly HashSet<string> OptionsWithValue = new(StringComparer.Ordinal)
    {
        "dev", "label", "brd", "broadcast", "scope", "metric", "peer", "preferred_lft", "track_group",
    };

    private void ReadUnicastPeers(ConfigNode node, VrrpUnicast unicast)
    {
        foreach (var entry in node.Block)
        {
            if (!VirtualIpValidator.TryParseAddress(entry.Keyword, out _, out _, out var hasPrefix) || hasPrefix)
            {
                reader.Diagnostics.Error(entry.Location, $"unicast_peer: \"{entry.Keyword}\" is not an IP address");
                continue;
            }

            AddPeer(unicast, entry.Keyword);
            if (entry.Args.Count > 0)
            {
                reader.Diagnostics.Warning(entry.Location, $"{entry.Keyword}: \"{string.Join(' ', entry.Args)}\" not converted: unicast adverts are accepted whatever their TTL");
            }
        }
    }

    /// <summary>
    /// The source joins the peers: a VirtualIp has one list for every node, each node leaving out its own address
    /// and sending from it, which is what unicast_src_ip says on this node.
    /// </summary>
    private void ReadUnicastSource(ConfigNode node, VrrpUnicast unicast)
    {
        if (reader.Word(node) is not { } source)
        {
            return;
        }

        if (!VirtualIpValidator.TryParseAddress(source, out _, out _, out var hasPrefix) || hasPrefix)
        {
            reader.Diagnostics.Error(node.Location, $"unicast_src_ip: \"{source}\" is not an IP address");
            return;
        }

        AddPeer(unicast, source);
        reader.Diagnostics.Note(node.Location, $"unicast_src_ip {source}: listed in spec.unicast.peers; the node holding it leaves it out and sends from it");
    }

    private static void AddPeer(VrrpUnicast unicast, string address)
    {
        unicast.Peers ??= [];
        if (!unicast.Peers.Contains(address))
        {
            unicast.Peers.Add(address);
        }
    }

    private void CheckDevices(string? instanceInterface, List<(string Address, string Device, SourceLocation Location)> devices)
    {
        foreach (var (address, device, location) in devices)
        {
            if (instanceInterface is not null && device != instanceInterface)
            {
                reader.Diagnostics.Warning(location, $"{address} dev {device}: not converted as given: a VirtualIp holds all its addresses on one interface ({instanceInterface})");
            }
        }
    }

    /// <summary>"eth1" (down means FAULT) or "eth1 weight -20"; reverse (the weight applied while up) has no equivalent.</summary>
    private IEnumerable<TrackInterface> ReadTrackInterfaces(ConfigNode node)
    {
        foreach (var entry in node.Block)
        {
            if (entry.Args.Contains("reverse"))
            {
                reader.Diagnostics.Warning(entry.Location, $"track_interface {entry.Keyword}: reverse not converted: the weight applies the usual way round (negative while down, positive while up)");
            }

            yield return new TrackInterface { Name = entry.Keyword, Weight = EntryWeight(entry) };
        }
    }

    /// <summary>A track_script or track_interface entry's own weight ("name weight -30 [reverse]"), or null.</summary>
    private int? EntryWeight(ConfigNode entry) =>
        entry.Args is ["weight", _, ..] ? reader.Integer(VrrpScript.WithoutReverse(entry with { Keyword = "weight", Args = entry.Args.Skip(1).ToList() }), -253, 253) : null;

    private void WarnTrackScripts(ConfigNode node, IReadOnlyDictionary<string, VrrpScript> scripts, ISet<string> usedScripts)
    {
        foreach (var entry in node.Block)
        {
            usedScripts.Add(entry.Keyword);
            if (!scripts.TryGetValue(entry.Keyword, out var script))
            {
                reader.Diagnostics.Warning(entry.Location, $"track_script {entry.Keyword}: no vrrp_script of that name: ignored");
                continue;
            }

            // track_script may override the script's weight: "name weight -30".
            var weight = EntryWeight(entry) ?? script.Weight;
            var what = $"track_script {script.Name} (vrrp_script at {script.Location}: {script.Describe()}) not converted: KeepOperator runs no scripts";
            reader.Diagnostics.Warning(entry.Location, weight is { } w && w != 0
                ? $"{what}; express what the script checks as a spec.track entry with the same weight: {script.TrackSuggestion(w)}"
                : $"{what}; without a weight a failing script means FAULT: a spec.track entry with weight 0 does the same");
        }
    }
}
