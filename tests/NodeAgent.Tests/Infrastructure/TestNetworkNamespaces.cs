using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace KeepOperator.NodeAgent.Tests.Infrastructure;

/// <summary>
/// Two uniquely named network namespaces, A and B, joined by a veth pair (veth-a in A, veth-b in B) with
/// 10.77.8.1/24 + fd77:8::1/64 on A and 10.77.8.2/24 + fd77:8::2/64 on B, DAD off (so link-local and added IPv6
/// addresses are usable at once), arp_accept on. Both namespaces are deleted on <see cref="Dispose"/>, and when
/// creation fails half-way. Each has a <see cref="NamespaceThread"/> to open sockets inside it.
/// </summary>
public sealed partial class TestNetworkNamespaces : IDisposable
{
    public const string LinkA = "veth-a";
    public const string LinkB = "veth-b";
    public static readonly IPAddress Ipv4A = IPAddress.Parse("10.77.8.1");
    public static readonly IPAddress Ipv4B = IPAddress.Parse("10.77.8.2");
    public static readonly IPAddress Ipv6A = IPAddress.Parse("fd77:8::1");
    public static readonly IPAddress Ipv6B = IPAddress.Parse("fd77:8::2");

    private static int s_counter;
    private readonly List<string> _created = [];
    private NamespaceThread? _threadA;
    private NamespaceThread? _threadB;

    private TestNetworkNamespaces()
    {
        string id = $"{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}-{Random.Shared.Next(0x10000):x4}";
        A = $"kotest-{id}-a";
        B = $"kotest-{id}-b";
    }

    public string A { get; }

    public string B { get; }

    /// <summary>A thread inside namespace A (created on first use).</summary>
    public NamespaceThread ThreadA => _threadA ??= new NamespaceThread(A);

    /// <summary>A thread inside namespace B (created on first use).</summary>
    public NamespaceThread ThreadB => _threadB ??= new NamespaceThread(B);

    public static TestNetworkNamespaces Create()
    {
        SweepOrphans();
        var pair = new TestNetworkNamespaces();
        try
        {
            pair.Setup();
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    /// <summary>Runs <c>ip -n NS args...</c> and returns its standard output; throws when it fails.</summary>
    public static string Ip(string ns, params string[] args) => Run("ip", ["-n", ns, .. args]);

    /// <summary>Runs a command inside the namespace (<c>ip netns exec</c>).</summary>
    public static string Exec(string ns, params string[] command) => Run("ip", ["netns", "exec", ns, .. command]);

    public static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        }
        return stdout;
    }

    public static string? FindOnPath(string file)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':').Append("/usr/sbin").Append("/sbin"))
        {
            string candidate = Path.Combine(dir, file);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The interface index of <paramref name="link"/> inside <paramref name="ns"/>.</summary>
    public static int IndexOf(string ns, string link)
    {
        var match = IndexRegex().Match(Ip(ns, "-o", "link", "show", "dev", link));
        return match.Success ? int.Parse(match.Groups[1].Value) : throw new InvalidOperationException($"No {link} in {ns}.");
    }

    /// <summary>The link-local IPv6 address of <paramref name="link"/> inside <paramref name="ns"/>, scope id set.</summary>
    public static IPAddress LinkLocalOf(string ns, string link)
    {
        var match = LinkLocalRegex().Match(Ip(ns, "-o", "-6", "addr", "show", "dev", link, "scope", "link"));
        if (!match.Success)
        {
            throw new InvalidOperationException($"No link-local address on {link} in {ns}.");
        }
        var address = IPAddress.Parse(match.Groups[1].Value);
        address.ScopeId = IndexOf(ns, link);
        return address;
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }
            Thread.Sleep(20);
        }
        return true;
    }

    public void Dispose()
    {
        _threadA?.Dispose();
        _threadB?.Dispose();
        foreach (var ns in _created)
        {
            try
            {
                Run("ip", "netns", "del", ns);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
        _created.Clear();
    }

    private void Setup()
    {
        foreach (var ns in new[] { A, B })
        {
            Run("ip", "netns", "add", ns);
            _created.Add(ns);
            Exec(ns, "sysctl", "-q", "-w",
                "net.ipv6.conf.all.accept_dad=0",
                "net.ipv6.conf.default.accept_dad=0",
                "net.ipv6.conf.default.dad_transmits=0",
                "net.ipv6.conf.default.accept_ra=0",
                "net.ipv4.conf.all.arp_accept=1",
                "net.ipv4.conf.default.arp_accept=1");
            Ip(ns, "link", "set", "lo", "up");
        }
        Ip(A, "link", "add", LinkA, "type", "veth", "peer", "name", LinkB, "netns", B);
        Ip(A, "addr", "add", $"{Ipv4A}/24", "dev", LinkA);
        Ip(B, "addr", "add", $"{Ipv4B}/24", "dev", LinkB);
        Ip(A, "addr", "add", $"{Ipv6A}/64", "dev", LinkA, "nodad");
        Ip(B, "addr", "add", $"{Ipv6B}/64", "dev", LinkB, "nodad");
        Ip(A, "link", "set", LinkA, "up");
        Ip(B, "link", "set", LinkB, "up");
        foreach (var (ns, link) in new[] { (A, LinkA), (B, LinkB) })
        {
            bool ready = WaitUntil(
                () => LinkLocalRegex().IsMatch(Ip(ns, "-o", "-6", "addr", "show", "dev", link, "scope", "link", "-tentative")),
                TimeSpan.FromSeconds(5));
            if (!ready)
            {
                throw new TimeoutException($"{link} in {ns} got no usable link-local address.");
            }
        }
    }

    private static int s_swept;

    /// <summary>Once per process: deletes kotest-PID-* namespaces left by test processes that died (PID gone).</summary>
    private static void SweepOrphans()
    {
        if (Interlocked.Exchange(ref s_swept, 1) != 0 || !Directory.Exists("/var/run/netns"))
        {
            return;
        }
        foreach (var path in Directory.GetFiles("/var/run/netns", "kotest-*"))
        {
            var match = OwnerRegex().Match(Path.GetFileName(path));
            if (match.Success && !Directory.Exists($"/proc/{match.Groups[1].Value}"))
            {
                try
                {
                    Run("ip", "netns", "del", Path.GetFileName(path));
                }
                catch (InvalidOperationException)
                {
                    // raced with another sweeper
                }
            }
        }
    }

    [GeneratedRegex(@"^kotest-(\d+)-")]
    private static partial Regex OwnerRegex();

    [GeneratedRegex(@"^(\d+):")]
    private static partial Regex IndexRegex();

    [GeneratedRegex(@"inet6 (fe80:[0-9a-f:]+)/")]
    private static partial Regex LinkLocalRegex();
}
