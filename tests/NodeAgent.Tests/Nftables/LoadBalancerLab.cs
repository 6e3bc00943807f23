using System.Diagnostics;

namespace KeepOperator.NodeAgent.Tests.Nftables;

/// <summary>
/// Four namespaces (client, director, rs1, rs2) on a bridge that lives in a fifth, all with
/// private addresses in 10.77.7.0/24 and nothing in the host namespace. The director owns the
/// VIP 10.77.7.250/32 and forwards; each real server runs a TCP responder on port 80 that answers
/// "NAME PEER" (its name and the address the connection came from) and exits after 5 idle minutes.
/// Dispose kills the responders by PID and deletes every namespace, which takes the veths along.
/// </summary>
public sealed class LoadBalancerLab : IDisposable
{
    public const string Vip = "10.77.7.250";
    public const string DirectorAddress = "10.77.7.1";
    public const string Rs1Address = "10.77.7.11";
    public const string Rs2Address = "10.77.7.12";

    private const string Python = "/usr/bin/python3";

    private const string ResponderScript = """
        import socket, sys
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", 80))
        s.listen(128)
        s.settimeout(300)
        print("ready", flush=True)
        while True:
            c, peer = s.accept()
            c.sendall(("%s %s" % (sys.argv[1], peer[0])).encode())
            c.close()
        """;

    // One connection at a time, each bounded by a 2 s timeout; a failure prints "error:KIND".
    private const string ClientScript = """
        import socket, sys
        for _ in range(int(sys.argv[3])):
            try:
                c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
                data = b""
                while True:
                    chunk = c.recv(256)
                    if not chunk:
                        break
                    data += chunk
                c.close()
                print(data.decode(), flush=True)
            except Exception as e:
                print("error:" + type(e).__name__, flush=True)
        """;

    private readonly List<NetworkNamespace> _namespaces = [];
    private readonly List<Process> _responders = [];

    public LoadBalancerLab()
    {
        try
        {
            var bridge = Add("br");
            bridge.Ip("link", "add", "br0", "type", "bridge");
            bridge.Ip("link", "set", "br0", "up");
            Client = Join(bridge, "cl", 1, "10.77.7.2/24");
            Director = Join(bridge, "dir", 2, DirectorAddress + "/24");
            var rs1 = Join(bridge, "rs1", 3, Rs1Address + "/24");
            var rs2 = Join(bridge, "rs2", 4, Rs2Address + "/24");
            Director.Ip("addr", "add", Vip + "/32", "dev", "eth0");
            foreach (var setting in new[] { "net.ipv4.ip_forward=1", "net.ipv4.conf.all.send_redirects=0", "net.ipv4.conf.eth0.send_redirects=0" })
            {
                var result = Director.Exec(TimeSpan.FromSeconds(10), null, "sysctl", "-w", setting);
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException($"sysctl {setting} failed: {result.Error}");
                }
            }
            StartResponder(rs1, "rs1");
            StartResponder(rs2, "rs2");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public NetworkNamespace Client { get; } = null!;

    public NetworkNamespace Director { get; } = null!;

    /// <summary>Opens <paramref name="count"/> connections to VIP:80 one after another; one "NAME PEER" or "error:KIND" per connection.</summary>
    public IReadOnlyList<string> Request(int count) => Request(Client, count);

    /// <summary>As <see cref="Request(int)"/>, from <paramref name="origin"/> (the director itself exercises the output chain).</summary>
    public static IReadOnlyList<string> Request(NetworkNamespace origin, int count)
    {
        var result = origin.Exec(TimeSpan.FromSeconds(2 * count + 15), null, Python, "-c", ClientScript, Vip, "80", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"client failed: {result.Error}");
        }
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose()
    {
        foreach (var responder in _responders)
        {
            if (!responder.HasExited)
            {
                responder.Kill();
            }
            responder.WaitForExit(5000);
            responder.Dispose();
        }
        foreach (var ns in _namespaces)
        {
            ns.Dispose();
        }
    }

    private NetworkNamespace Add(string role)
    {
        var ns = new NetworkNamespace(role);
        _namespaces.Add(ns);
        return ns;
    }

    private NetworkNamespace Join(NetworkNamespace bridge, string role, int index, string cidr)
    {
        var ns = Add(role);
        string port = $"p{index}";
        bridge.Ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns.Name);
        bridge.Ip("link", "set", port, "master", "br0", "up");
        ns.Ip("addr", "add", cidr, "dev", "eth0");
        ns.Ip("link", "set", "eth0", "up");
        return ns;
    }

    private void StartResponder(NetworkNamespace ns, string name)
    {
        var process = LabCommand.Start("ip", "netns", "exec", ns.Name, Python, "-c", ResponderScript, name);
        _responders.Add(process);
        var ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(10)) || ready.Result != "ready")
        {
            throw new InvalidOperationException($"responder {name} did not start: {process.StandardError.ReadToEnd()}");
        }
    }
}
