using System.Globalization;
using System.Text;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// One VirtualIp (one VRRP instance) as both the agent's YAML and keepalived.conf express it.
/// </summary>
/// <param name="Addresses">VIPs exactly as written in the YAML and keepalived.conf (e.g. "10.77.0.250", "fd77::250/64").</param>
/// <param name="Priorities">Node name (n1, n2) to priority.</param>
/// <param name="AuthPassword">v2 PASS authentication; null for none (ignored for v3).</param>
/// <param name="Track">A TCP probe of the node's own 127.0.0.1:port (keepalived's track_script); agent only.</param>
/// <param name="UnicastAddresses">Unicast VRRP: node name to its address. The agent gets them all as spec.unicast.peers
/// (it leaves out its own and sends from it); keepalived its own as unicast_src_ip and the others as unicast_peer.</param>
/// <param name="Vmac">The VMAC macvlan's name: the agent's spec.useVmac.interfaceName, keepalived's use_vmac with
/// vmac_xmit_base (the addresses then go on the macvlan, so they name no dev).</param>
/// <param name="TrackInterface">Another interface of the node whose link state counts (keepalived's track_interface).</param>
/// <param name="SyncGroup">keepalived's vrrp_sync_group (spec.syncGroup).</param>
public sealed record VipSpec(
    string Name,
    int VirtualRouterId,
    int Version,
    TimeSpan AdvertInterval,
    IReadOnlyList<string> Addresses,
    IReadOnlyDictionary<string, int> Priorities,
    string? AuthPassword = null,
    bool Preempt = true,
    TcpTrack? Track = null,
    IReadOnlyDictionary<string, string>? UnicastAddresses = null,
    string? Vmac = null,
    TrackedInterface? TrackInterface = null,
    string? SyncGroup = null)
{
    public string Vip => LabNetwork.Bare(Addresses[0]);

    public bool IsIPv6 => Vip.Contains(':', StringComparison.Ordinal);

    public int PriorityOf(string nodeName) => Priorities[nodeName];

    /// <summary>RFC 3768/5798 Skew_Time for a backup of <paramref name="priority"/>.</summary>
    public TimeSpan SkewTime(int priority) => Version == 2
        ? TimeSpan.FromSeconds((256 - priority) / 256.0)
        : TimeSpan.FromMilliseconds((256 - priority) * AdvertInterval.TotalMilliseconds / 256.0);

    /// <summary>Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time for a backup of <paramref name="priority"/>.</summary>
    public TimeSpan MasterDownInterval(int priority) => (3 * AdvertInterval) + SkewTime(priority);

    /// <summary>"1s", "50ms": the YAML's duration syntax.</summary>
    public string AdvertIntervalYaml => AdvertInterval.TotalMilliseconds % 1000 == 0
        ? ((int)AdvertInterval.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
        : ((int)AdvertInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    /// <summary>keepalived's advert_int, in seconds ("1", "0.05").</summary>
    public string AdvertIntervalKeepalived => AdvertInterval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>The VirtualIp document for the agent.</summary>
    public string ToYaml()
    {
        var sb = new StringBuilder();
        sb.Append("apiVersion: keepoperator.io/v1alpha1\n");
        sb.Append("kind: VirtualIp\n");
        sb.Append("metadata:\n");
        sb.Append(CultureInfo.InvariantCulture, $"  name: {Name}\n");
        sb.Append("spec:\n");
        sb.Append(CultureInfo.InvariantCulture, $"  addresses: [{string.Join(", ", Addresses.Select(a => "\"" + a + "\""))}]\n");
        sb.Append("  interface: eth0\n");
        sb.Append(CultureInfo.InvariantCulture, $"  virtualRouterId: {VirtualRouterId}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  vrrpVersion: {Version}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  advertInterval: {AdvertIntervalYaml}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  preempt: {(Preempt ? "true" : "false")}\n");
        if (AuthPassword is not null && Version == 2)
        {
            sb.Append("  authentication:\n");
            sb.Append("    type: PASS\n");
            sb.Append(CultureInfo.InvariantCulture, $"    password: {AuthPassword}\n");
        }

        if (Track is not null)
        {
            sb.Append("  track:\n");
            sb.Append(CultureInfo.InvariantCulture, $"    - name: local-{Track.Port}\n");
            sb.Append(CultureInfo.InvariantCulture, $"      tcp: {{port: {Track.Port}}}\n");
            sb.Append(CultureInfo.InvariantCulture, $"      weight: {Track.Weight}\n");
            sb.Append("      interval: 500ms\n");
            sb.Append("      timeout: 300ms\n");
        }

        if (TrackInterface is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  trackInterfaces: [{{name: {TrackInterface.Name}, weight: {TrackInterface.Weight}}}]\n");
        }

        if (SyncGroup is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  syncGroup: {SyncGroup}\n");
        }

        if (UnicastAddresses is not null)
        {
            sb.Append("  unicast:\n");
            sb.Append(CultureInfo.InvariantCulture, $"    peers: [{string.Join(", ", UnicastAddresses.Values.Select(a => "\"" + a + "\""))}]\n");
        }

        if (Vmac is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  useVmac: {{interfaceName: {Vmac}}}\n");
        }

        sb.Append("  priorities:\n");
        foreach (var (node, prio) in Priorities)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    - nodeName: {node}\n");
            sb.Append(CultureInfo.InvariantCulture, $"      priority: {prio}\n");
        }

        return sb.ToString();
    }

    /// <summary>Several VirtualIp documents in one YAML stream.</summary>
    public static string ToYaml(IEnumerable<VipSpec> specs) => string.Join("---\n", specs.Select(s => s.ToYaml()));

    /// <summary>The vrrp_instance block for keepalived on <paramref name="nodeName"/>.</summary>
    public string ToKeepalivedInstance(string nodeName)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"vrrp_instance {Name} {{\n");
        sb.Append("  state BACKUP\n");
        sb.Append("  interface eth0\n");
        sb.Append(CultureInfo.InvariantCulture, $"  version {Version}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  virtual_router_id {VirtualRouterId}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  priority {PriorityOf(nodeName)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"  advert_int {AdvertIntervalKeepalived}\n");
        if (!Preempt)
        {
            sb.Append("  nopreempt\n");
        }

        if (AuthPassword is not null && Version == 2)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  authentication {{\n    auth_type PASS\n    auth_pass {AuthPassword}\n  }}\n");
        }

        if (TrackInterface is not null)
        {
            // No weight is keepalived's FAULT-while-down.
            var weight = TrackInterface.Weight == 0 ? "" : FormattableString.Invariant($" weight {TrackInterface.Weight}");
            sb.Append(CultureInfo.InvariantCulture, $"  track_interface {{\n    {TrackInterface.Name}{weight}\n  }}\n");
        }

        if (UnicastAddresses is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  unicast_src_ip {UnicastAddresses[nodeName]}\n");
            sb.Append("  unicast_peer {\n");
            foreach (var (_, address) in UnicastAddresses.Where(u => u.Key != nodeName))
            {
                sb.Append(CultureInfo.InvariantCulture, $"    {address}\n");
            }

            sb.Append("  }\n");
        }

        if (Vmac is not null)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  use_vmac {Vmac}\n  vmac_xmit_base\n");
        }

        sb.Append("  virtual_ipaddress {\n");
        foreach (var a in Addresses)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    {a}{(Vmac is null ? " dev eth0" : "")}\n");
        }

        sb.Append("  }\n}\n");
        return sb.ToString();
    }

    /// <summary>A whole keepalived.conf for <paramref name="nodeName"/> with these instances.</summary>
    public static string ToKeepalivedConf(string nodeName, IEnumerable<VipSpec> specs)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"global_defs {{\n  router_id {nodeName}\n  enable_script_security\n}}\n");
        foreach (var group in specs.Where(s => s.SyncGroup is not null).GroupBy(s => s.SyncGroup))
        {
            sb.Append(CultureInfo.InvariantCulture, $"vrrp_sync_group {group.Key} {{\n  group {{\n");
            foreach (var member in group)
            {
                sb.Append(CultureInfo.InvariantCulture, $"    {member.Name}\n");
            }

            sb.Append("  }\n}\n");
        }

        foreach (var s in specs)
        {
            sb.Append(s.ToKeepalivedInstance(nodeName));
        }

        return sb.ToString();
    }
}

/// <summary>A tracked TCP port on the node itself and the weight it carries (negative: subtracted while failing).</summary>
public sealed record TcpTrack(int Port, int Weight);
