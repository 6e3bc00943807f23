using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KeepOperator.Api.Metrics;

/// <summary>
/// Where a binary serves Prometheus' /metrics: <c>--metrics-address</c> IP:PORT, [IPv6]:PORT, :PORT (every address)
/// or <c>off</c>. Shared by the agent and the operator so both take the same spellings.
/// </summary>
public sealed record MetricsAddress(IPAddress? Address, int Port)
{
    public const string Off = "off";

    /// <summary>The spellings the flag takes, for usage texts and errors.</summary>
    public const string Syntax = "IP:PORT, [IPv6]:PORT, :PORT (every address) or off";

    /// <summary>True for a valid spelling; <paramref name="address"/> is null for <c>off</c>.</summary>
    public static bool TryParse(string text, out MetricsAddress? address)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = null;
        if (text == Off)
        {
            return true;
        }
        if (text.StartsWith(':'))
        {
            if (!int.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || !IsPort(port))
            {
                return false;
            }
            address = new MetricsAddress(null, port);
            return true;
        }
        // IPEndPoint also takes a bare address (port 0): a port must be given.
        if (!IPEndPoint.TryParse(text, out var endPoint) || !IsPort(endPoint.Port))
        {
            return false;
        }
        address = new MetricsAddress(endPoint.Address, endPoint.Port);
        return true;
    }

    /// <summary>The host part of an HttpListener prefix: "+" binds every address, IPv6 goes in brackets.</summary>
    public string ListenerHost => Address switch
    {
        null => "+",
        { AddressFamily: AddressFamily.InterNetworkV6 } v6 => $"[{v6}]",
        var v4 => v4.ToString(),
    };

    public override string ToString() => $"{(Address is null ? "" : ListenerHost)}:{Port}";

    private static bool IsPort(int port) => port is >= 1 and <= 65535;
}
