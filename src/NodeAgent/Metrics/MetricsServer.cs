using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KeepOperator.NodeAgent.Metrics;

/// <summary>
/// Serves <c>GET /metrics</c> over HTTP/1.1, one request per connection (what Prometheus does with
/// <c>Connection: close</c> answers), each connection on its own task with a deadline, so a stalled client cannot hold
/// up scrapes. Only what a scraper needs: 404 for other paths, 405 for methods other than GET.
/// </summary>
public sealed class MetricsServer : IDisposable
{
    private const int MaxRequestBytes = 8192;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly Socket _listener;
    private readonly Func<string> _render;
    private readonly CancellationTokenSource _stop = new();
    private int _disposed;

    private MetricsServer(Socket listener, Func<string> render)
    {
        _listener = listener;
        _render = render;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _ = AcceptLoopAsync();
    }

    /// <summary>Where it listens (the port chosen when asked for port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>
    /// Binds and listens (a SocketException says why it cannot). IPv6Any also takes IPv4 (dual mode), and stands for
    /// IPv4's Any on a kernel without IPv6 (booted with ipv6.disable=1).
    /// </summary>
    public static MetricsServer Start(IPEndPoint endPoint, Func<string> render)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        try
        {
            return Listen(endPoint, render);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressFamilyNotSupported && endPoint.Address.Equals(IPAddress.IPv6Any))
        {
            return Listen(new IPEndPoint(IPAddress.Any, endPoint.Port), render);
        }
    }

    private static MetricsServer Listen(IPEndPoint endPoint, Func<string> render)
    {
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }
            // No ReuseAddress option: on Linux .NET maps it to SO_REUSEPORT too, which would let a second agent share the
            // port. (.NET already sets SO_REUSEADDR on a TCP bind, so a restart binds again despite TIME_WAIT.)
            listener.Bind(endPoint);
            listener.Listen(16);
            return new MetricsServer(listener, render);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }
                continue; // e.g. a connection reset before it was accepted
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
        {
            deadline.CancelAfter(RequestTimeout);
            try
            {
                var requestLine = await ReadRequestLineAsync(client, deadline.Token).ConfigureAwait(false);
                var response = requestLine is null ? null : Respond(requestLine);
                if (response is not null)
                {
                    await client.SendAsync(response, SocketFlags.None, deadline.Token).ConfigureAwait(false);
                    client.Shutdown(SocketShutdown.Both);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // the client went away or took too long: nothing to answer
            }
        }
    }

    /// <summary>The request's first line once the headers are complete; null if the client closed or sent too much.</summary>
    private static async Task<string?> ReadRequestLineAsync(Socket client, CancellationToken cancel)
    {
        var buffer = new byte[MaxRequestBytes];
        int length = 0;
        while (length < buffer.Length)
        {
            int read = await client.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancel).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }
            length += read;
            var text = Encoding.ASCII.GetString(buffer, 0, length);
            if (text.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                return text[..text.IndexOf("\r\n", StringComparison.Ordinal)];
            }
        }
        return null;
    }

    private byte[] Respond(string requestLine)
    {
        var parts = requestLine.Split(' ');
        var path = parts.Length == 3 ? parts[1].Split('?')[0] : "";
        return (parts[0], path) switch
        {
            ("GET", "/metrics") => Response("200 OK", ExpositionWriter.ContentType, _render()),
            (_, "/metrics") => Response("405 Method Not Allowed", "text/plain; charset=utf-8", "only GET\n"),
            _ => Response("404 Not Found", "text/plain; charset=utf-8", "metrics are on /metrics\n"),
        };
    }

    private static byte[] Response(string status, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var header = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: {contentType}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
        return [.. header, .. bytes];
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _stop.Cancel();
        _listener.Dispose();
        _stop.Dispose();
    }
}
