using System.Net;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Tests.Vrrp.Codec;

/// <summary>One datagram keepalived sent, from Golden/*.hex (written by Golden/capture.sh).</summary>
internal sealed record GoldenPacket(string Capture, int Index, string Summary, byte[] Datagram)
{
    public override string ToString() => $"{Capture}#{Index}: {Summary}";

    /// <summary>Splits the datagram at its IPv4 or IPv6 header the way the agent's sockets will see it.</summary>
    public (IPAddress Source, IPAddress Destination, int Ttl, byte Protocol, byte[] Vrrp) Split()
    {
        if (Ipv4Header.TryParse(Datagram, out var v4, out var payload4))
        {
            return (v4.Source, v4.Destination, v4.Ttl, v4.Protocol, payload4.ToArray());
        }

        if (Ipv6Header.TryParse(Datagram, out var v6, out var payload6))
        {
            return (v6.Source, v6.Destination, v6.HopLimit, v6.NextHeader, payload6.ToArray());
        }

        throw new InvalidDataException($"{this}: neither an IPv4 nor an IPv6 datagram");
    }
}

internal static class GoldenCaptures
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Vrrp", "Codec", "Golden");

    public static IReadOnlyList<GoldenPacket> Load(string capture)
    {
        var packets = new List<GoldenPacket>();
        string summary = "";
        foreach (var raw in File.ReadLines(Path.Combine(Folder, capture + ".hex")))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                summary = line.TrimStart('#').Trim();
                continue;
            }

            packets.Add(new GoldenPacket(capture, packets.Count, summary, Convert.FromHexString(line)));
        }

        return packets;
    }
}
