using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// A throw-away L2 network made of network namespaces: a "switch" namespace holding bridge br0, N node namespaces
/// (n1, n2, ...: 10.77.0.11/24, .12, ...; fd77::11/64, ...) and a client namespace (10.77.0.100/24, fd77::100/64),
/// each with a veth whose inner end is eth0. IPv6 DAD is off everywhere. Nothing is created in the root namespace.
/// <see cref="Dispose"/> kills every process the lab started (by PID) and deletes every namespace.
/// </summary>
public sealed partial class LabNetwork : IDisposable
{
    public const string Subnet4 = "10.77.0";
    public const string Subnet6 = "fd77:";

    private static int s_counter;
    private readonly List<LabProcess> _processes = [];
    private readonly List<int> _extraPids = [];
    private readonly List<string> _namespaces = [];
    private readonly List<(DateTime At, string Line)> _logLines = [];
    private readonly HashSet<string> _names = [];
    private readonly ITestOutputHelper? _output;
    private bool _disposed;

    private LabNetwork(string prefix, ITestOutputHelper? output)
    {
        Prefix = prefix;
        _output = output;
        TempDir = Directory.CreateTempSubdirectory("kolab-").FullName;
    }

    /// <summary>Unique per lab: kol{pid}x{counter}-.</summary>
    public string Prefix { get; }

    public string SwitchNamespace => Prefix + "sw";

    public IReadOnlyList<LabNode> Nodes { get; private set; } = [];

    public LabNode Client { get; private set; } = null!;

    /// <summary>Config files, pid files and process logs of this lab (deleted on dispose unless KEEPOPERATOR_LAB_KEEP=1).</summary>
    public string TempDir { get; }

    /// <summary>Node by 1-based number, as in n1, n2.</summary>
    public LabNode Node(int number) => Nodes[number - 1];

    public static LabNetwork Create(int nodeCount, ITestOutputHelper? output = null)
    {
        SweepStale();
        var prefix = string.Create(CultureInfo.InvariantCulture, $"kol{Environment.ProcessId}x{Interlocked.Increment(ref s_counter)}-");
        var lab = new LabNetwork(prefix, output);
        try
        {
            lab.Build(nodeCount);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One more namespace on the bridge (10.77.0.<paramref name="host"/>) that is neither a node nor the client: a
    /// Service's endpoint, say. It is deleted with the lab.
    /// </summary>
    public LabNode AddHost(string name, int host) => Attach(name, host);

    /// <summary>Starts <paramref name="file"/> inside the node's namespace; the lab kills it on dispose.</summary>
    public LabProcess Start(LabNode node, string name, string file, IEnumerable<string> args)
    {
        var log = Path.Combine(TempDir, name + ".log");
        var p = new LabProcess(name, log, "ip", new[] { "netns", "exec", node.Namespace, file }.Concat(args));
        lock (_processes)
        {
            _processes.Add(p);
        }

        Log($"started {name} pid={p.Pid}: {p.CommandLine}");
        return p;
    }

    /// <summary>A name for files and logs not used before in this lab: <paramref name="baseName"/>, then -2, -3 ... (restarts).</summary>
    public string UniqueName(string baseName)
    {
        lock (_names)
        {
            var name = baseName;
            for (var i = 2; !_names.Add(name); i++)
            {
                name = baseName + "-" + i.ToString(CultureInfo.InvariantCulture);
            }

            return name;
        }
    }

    /// <summary>A process the lab did not start itself (keepalived's VRRP child) but must kill on dispose.</summary>
    public void TrackPid(int pid)
    {
        lock (_processes)
        {
            _extraPids.Add(pid);
        }
    }

    public IReadOnlyList<string> Addresses(LabNode node, string device = "eth0")
    {
        var r = Sh.Run("ip", "-n", node.Namespace, "-o", "addr", "show", "dev", device);
        if (!r.Ok)
        {
            return [];
        }

        // "2: eth0    inet 10.77.0.11/24 scope global eth0\       valid_lft forever ..."
        return r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => Array.FindIndex(f, x => x is "inet" or "inet6") is var i and >= 0 && i + 1 < f.Length ? f[i + 1] : null)
            .OfType<string>()
            .ToList();
    }

    /// <summary>True if <paramref name="device"/> of <paramref name="node"/> holds <paramref name="ip"/> (any prefix length).</summary>
    public bool HasAddress(LabNode node, string ip, string device = "eth0")
    {
        var bare = Bare(ip);
        return Addresses(node, device).Any(a => Bare(a).Equals(bare, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The nodes (not the client) whose <paramref name="device"/> holds <paramref name="ip"/>.</summary>
    public IReadOnlyList<LabNode> Holders(string ip, string device = "eth0") => Nodes.Where(n => HasAddress(n, ip, device)).ToList();

    /// <summary>lladdr of <paramref name="node"/>'s neighbour (ARP or NDP) entry for <paramref name="ip"/>, or null.</summary>
    public string? NeighborMac(LabNode node, string ip)
    {
        var r = Sh.Run("ip", "-n", node.Namespace, "neigh", "show", Bare(ip), "dev", "eth0");
        var m = LladdrRegex().Match(r.StdOut);
        return m.Success ? m.Groups[1].Value : null;
    }

    public static string Mac(string ns)
    {
        var r = Sh.Check("ip", "-n", ns, "-o", "link", "show", "dev", "eth0");
        var m = EtherRegex().Match(r);
        return m.Success ? m.Groups[1].Value : throw new InvalidOperationException("no MAC in: " + r);
    }

    /// <summary>One bounded ping (ping -c 1 -W 1) from <paramref name="from"/>; creates the neighbour entry.</summary>
    public bool Ping(LabNode from, string ip)
    {
        var bare = Bare(ip);
        var r = Sh.Run("ip", "netns", "exec", from.Namespace, "ping", bare.Contains(':', StringComparison.Ordinal) ? "-6" : "-4", "-c", "1", "-W", "1", bare);
        return r.Ok;
    }

    /// <summary>
    /// Takes a node's eth0 down or up: administratively (`ip link set eth0 down` in the node), or, with
    /// <paramref name="carrierOnly"/>, by its switch port, so eth0 stays up but loses carrier (a pulled cable).
    /// </summary>
    public void SetLink(LabNode node, bool up, bool carrierOnly)
    {
        if (!carrierOnly)
        {
            SetInterface(node, "eth0", up);
            return;
        }

        var state = up ? "up" : "down";
        Sh.Check("ip", "-n", SwitchNamespace, "link", "set", "p-" + node.Name, state);
        Log($"{node.Name}: switch port {state}");
    }

    /// <summary>
    /// Adds a second link to track inside the node's namespace (gone with it): a veth pair with both ends there, both up
    /// (the dummy driver is not always loadable in a container); <see cref="SetInterface"/> on <paramref name="name"/> downs it.
    /// </summary>
    public void AddLink(LabNode node, string name)
    {
        Sh.Check("ip", "-n", node.Namespace, "link", "add", name, "type", "veth", "peer", "name", name + "-p");
        Sh.Check("ip", "-n", node.Namespace, "link", "set", name + "-p", "up");
        SetInterface(node, name, up: true);
    }

    /// <summary>Takes one of the node's own interfaces down or up administratively.</summary>
    public void SetInterface(LabNode node, string name, bool up)
    {
        var state = up ? "up" : "down";
        Sh.Check("ip", "-n", node.Namespace, "link", "set", name, state);
        Log($"{node.Name}: {name} {state}");
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(TempDir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Log(string message)
    {
        var at = DateTime.UtcNow;
        lock (_logLines)
        {
            _logLines.Add((at, message));
        }

        Output(FormattableString.Invariant($"[lab {at:HH:mm:ss.fff}] {message}"));
    }

    /// <summary>
    /// For assertion messages: what the lab logged and every process but <paramref name="except"/> printed between
    /// <paramref name="from"/> and <paramref name="to"/> (UTC), merged in time order, each line stamped and named.
    /// </summary>
    public string Timeline(DateTime from, DateTime to, params LabProcess[] except)
    {
        List<(DateTime At, string Line)> lines;
        lock (_logLines)
        {
            lines = [.. _logLines.Where(l => l.At >= from && l.At <= to).Select(l => (l.At, "lab: " + l.Line))];
        }

        lock (_processes)
        {
            foreach (var p in _processes.Except(except))
            {
                lines.AddRange(p.LinesBetween(from, to).Select(l => (l.At, $"{p.Name}: {l.Line}")));
            }
        }

        return string.Join('\n', lines.OrderBy(l => l.At).Select(l => FormattableString.Invariant($"  {l.At:HH:mm:ss.fff} {l.Line}")));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        List<LabProcess> processes;
        List<int> extra;
        lock (_processes)
        {
            processes = [.. _processes];
            extra = [.. _extraPids];
        }

        foreach (var pid in extra)
        {
            Native.Signal(pid, Native.SIGKILL);
        }

        foreach (var p in processes)
        {
            p.Dispose();
        }

        // Safety net: anything still running inside the lab's namespaces was started by this lab; kill it by PID.
        foreach (var ns in _namespaces)
        {
            var pids = Sh.Run("ip", "netns", "pids", ns);
            foreach (var pid in pids.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(pid.Trim(), CultureInfo.InvariantCulture, out var p) && p != Environment.ProcessId)
                {
                    Native.Signal(p, Native.SIGKILL);
                }
            }
        }

        foreach (var p in processes)
        {
            DumpLog(p);
        }

        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            Sh.Run("ip", "netns", "del", ns);
        }

        if (Environment.GetEnvironmentVariable("KEEPOPERATOR_LAB_KEEP") == "1")
        {
            Output("lab files kept in " + TempDir);
        }
        else
        {
            try
            {
                Directory.Delete(TempDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Deletes namespaces left by earlier runs whose process (the PID in the name) is gone.</summary>
    public static void SweepStale()
    {
        var r = Sh.Run("ip", "netns", "list");
        if (!r.Ok)
        {
            return;
        }

        foreach (var line in r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            var m = StaleRegex().Match(name);
            if (m.Success && int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var pid) && !Native.IsAlive(pid))
            {
                Sh.Run("ip", "netns", "del", name);
            }
        }
    }

    internal static string Bare(string ip) => ip.Split('/')[0];

    private void Build(int nodeCount)
    {
        var sw = AddNamespace(SwitchNamespace);
        Sh.Check("ip", "-n", sw, "link", "add", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0", "mcast_snooping", "0");
        Sh.Check("ip", "-n", sw, "link", "set", "br0", "up");
        var nodes = new List<LabNode>();
        for (var i = 1; i <= nodeCount; i++)
        {
            nodes.Add(Attach("n" + i.ToString(CultureInfo.InvariantCulture), 10 + i));
        }

        Nodes = nodes;
        Client = Attach("client", 100);
        Log($"lab {Prefix}: {string.Join(", ", Nodes.Append(Client))}");
    }

    private string AddNamespace(string ns)
    {
        Sh.Check("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        Sh.Check("ip", "netns", "exec", ns, "sysctl", "-qw",
            "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0",
            "net.ipv6.conf.all.dad_transmits=0", "net.ipv6.conf.default.dad_transmits=0");
        Sh.Check("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    private LabNode Attach(string name, int host)
    {
        var ns = AddNamespace(Prefix + name);
        var h = host.ToString(CultureInfo.InvariantCulture);
        var mac = string.Create(CultureInfo.InvariantCulture, $"02:77:00:00:00:{host:x2}");
        Sh.Check("ip", "-n", SwitchNamespace, "link", "add", "p-" + name, "type", "veth", "peer", "name", "eth0", "netns", ns);
        Sh.Check("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.eth0.accept_dad=0", "net.ipv6.conf.eth0.dad_transmits=0");
        Sh.Check("ip", "-n", ns, "link", "set", "eth0", "address", mac);
        Sh.Check("ip", "-n", ns, "addr", "add", $"{Subnet4}.{h}/24", "dev", "eth0");
        Sh.Check("ip", "-n", ns, "addr", "add", $"{Subnet6}:{h}/64", "dev", "eth0", "nodad");
        Sh.Check("ip", "-n", SwitchNamespace, "link", "set", "p-" + name, "master", "br0", "up");
        Sh.Check("ip", "-n", ns, "link", "set", "eth0", "up");
        return new LabNode(name, ns, $"{Subnet4}.{h}", $"{Subnet6}:{h}", mac);
    }

    private void DumpLog(LabProcess p)
    {
        if (_output is null)
        {
            return;
        }

        Output($"----- {p.Name} (pid {p.Pid}, exit {p.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}): {p.CommandLine}");
        try
        {
            var lines = File.ReadAllLines(p.LogFile);
            foreach (var l in lines.Length > 200 ? lines[..40].Append($"... ({lines.Length - 80} lines) ...").Concat(lines[^40..]) : lines)
            {
                Output(l);
            }
        }
        catch (IOException)
        {
        }
    }

    private void Output(string line)
    {
        try
        {
            _output?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // the test has finished; nothing to write to
        }
    }

    [GeneratedRegex(@"lladdr ([0-9a-f:]+)")]
    private static partial Regex LladdrRegex();

    [GeneratedRegex(@"link/ether ([0-9a-f:]+)")]
    private static partial Regex EtherRegex();

    [GeneratedRegex(@"^kol(\d+)x\d+-")]
    private static partial Regex StaleRegex();
}
