using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KeepOperator.Tests.Shared;

/// <summary>
/// A small HTTPS server for webhook tests: a self-signed certificate for its address (<see cref="CaBundle"/> is what the
/// agent is told to trust), HTTP/1.1 one request per connection, every POST body kept in arrival order. The first
/// <c>failFirst</c> requests are answered 503, the rest 200.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly int _failFirst;
    private int _requests;

    /// <param name="listener">Bound and started by the caller (in a network namespace, say).</param>
    public WebhookReceiver(TcpListener listener, IPAddress address, int failFirst = 0)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _listener = listener;
        _failFirst = failFirst;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=webhook-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Re-imported: an ephemeral key cannot be used by the TLS stack on every platform.
        _certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        CaBundle = created.ExportCertificatePem();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Url = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"https://[{address}]:{port}/hook" : $"https://{address}:{port}/hook";
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>Listens on 127.0.0.1, a free port.</summary>
    public static WebhookReceiver OnLoopback(int failFirst = 0)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new WebhookReceiver(listener, IPAddress.Loopback, failFirst);
    }

    public string Url { get; }

    public string CaBundle { get; }

    /// <summary>Every request's body, answered or failed, in arrival order.</summary>
    public ConcurrentQueue<string> Bodies { get; } = new();

    /// <summary>The bodies answered 200.</summary>
    public ConcurrentQueue<string> Accepted { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            // One at a time: arrival order is the order the test checks.
            try
            {
                await ServeAsync(client);
            }
            catch (Exception ex) when (ex is IOException or AuthenticationException or OperationCanceledException)
            {
                // A client that gave up (a timeout being tested) or failed the handshake.
            }
            finally
            {
                client.Dispose();
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await using var tls = new SslStream(client.GetStream());
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, timeout.Token);
        var buffer = new byte[16384];
        var received = new MemoryStream();
        int headerEnd;
        while ((headerEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            var n = await tls.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                return;
            }

            received.Write(buffer, 0, n);
        }

        var head = Encoding.ASCII.GetString(received.GetBuffer(), 0, headerEnd);
        var length = head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        while (received.Length < headerEnd + 4 + length)
        {
            var n = await tls.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                return;
            }

            received.Write(buffer, 0, n);
        }

        var body = Encoding.UTF8.GetString(received.GetBuffer(), headerEnd + 4, length);
        Bodies.Enqueue(body);
        var fail = Interlocked.Increment(ref _requests) <= _failFirst;
        if (!fail)
        {
            Accepted.Enqueue(body);
        }

        var response = fail ? "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(response), timeout.Token);
        await tls.FlushAsync(timeout.Token);
    }

    private static int IndexOf(MemoryStream stream, ReadOnlySpan<byte> pattern) => stream.GetBuffer().AsSpan(0, (int)stream.Length).IndexOf(pattern);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopped.
        }

        _certificate.Dispose();
        _stop.Dispose();
    }
}
