using System.Globalization;
using Xunit;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>A UDP server in a lab namespace (python3) that answers every datagram with the node's name, and its client.</summary>
public static class LabUdpEcho
{
    private const string Server = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", int(sys.argv[1])))
        while True:
            _, peer = s.recvfrom(2048)
            s.sendto(sys.argv[2].encode(), peer)
        """;

    // A new socket, so a new source port: every ask is a new flow for the balancer.
    private const string Client = """
        import socket, sys
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(1)
        s.sendto(b"who", (sys.argv[1], int(sys.argv[2])))
        print(s.recvfrom(2048)[0].decode())
        """;

    /// <summary>Starts it on <paramref name="port"/> and waits until it answers on the node's own address.</summary>
    public static LabProcess Start(LabNetwork lab, LabNode node, int port)
    {
        var script = lab.WriteFile(lab.UniqueName("udp-echo") + ".py", Server);
        var process = lab.Start(node, lab.UniqueName("udp-" + node.Name), "python3", [script, port.ToString(CultureInfo.InvariantCulture), node.Name]);
        Assert.True(Wait.Until(() => Ask(lab, node, node.IPv4, port) == node.Name, TimeSpan.FromSeconds(10)) is not null,
            $"the UDP echo on {node.Name} did not start: {string.Join('\n', process.AllLines)}");
        return process;
    }

    /// <summary>One datagram from <paramref name="from"/> to <paramref name="address"/>:<paramref name="port"/>; the answer, or null after a second of silence.</summary>
    public static string? Ask(LabNetwork lab, LabNode from, string address, int port)
    {
        var script = Path.Combine(lab.TempDir, "udp-ask.py");
        if (!File.Exists(script))
        {
            lab.WriteFile("udp-ask.py", Client);
        }

        return Sh.Run("ip", "netns", "exec", from.Namespace, "python3", script, address, port.ToString(CultureInfo.InvariantCulture)) is { Ok: true } r ? r.StdOut.Trim() : null;
    }
}
