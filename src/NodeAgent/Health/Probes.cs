using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using KeepOperator.Api;

namespace KeepOperator.NodeAgent.Health;

/// <summary>The outcome of one probe: success, a short human-readable message, and how long it took.</summary>
public readonly record struct ProbeResult(bool Success, string Message, TimeSpan Duration);

/// <summary>
/// One health probe (keepalived's vrrp_script for tracking, and later TCP_CHECK / HTTP_GET for LVS real servers).
/// Implementations never throw for a failing target: they return a failed <see cref="ProbeResult"/>.
/// They throw <see cref="OperationCanceledException"/> only when the probe's cancellation token is cancelled.
/// </summary>
public interface ITrackProbe
{
    Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>Succeeds when a TCP connection to host:port is established within the timeout (async connect, no thread per probe).</summary>
public sealed class TcpConnectProbe : ITrackProbe
{
    private readonly TimeProvider timeProvider;

    /// <param name="host">An IP address or a name (resolved on every probe; each address is tried in turn).</param>
    public TcpConnectProbe(string host, int port, TimeSpan timeout, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Host = host;
        Port = port;
        Timeout = timeout;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string Host { get; }

    public int Port { get; }

    public TimeSpan Timeout { get; }

    public async Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            IPAddress[] addresses = IPAddress.TryParse(Host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(Host, timeout.Token).ConfigureAwait(false);
            if (addresses.Length == 0)
            {
                return Result(false, $"{Host} has no address");
            }

            SocketException? last = null;
            foreach (var address in addresses)
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, Port), timeout.Token).ConfigureAwait(false);
                    return Result(true, $"connected to {Endpoint(address)}");
                }
                catch (SocketException e)
                {
                    last = e;
                }
            }

            return Result(false, $"connect to {Endpoint(addresses[^1])}: {last!.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Result(false, $"connect to {Host}:{Port}: timed out after {GoDuration.Format(Timeout)}");
        }
        catch (SocketException e)
        {
            return Result(false, $"resolve {Host}: {e.Message}");
        }

        ProbeResult Result(bool ok, string message) => new(ok, message, timeProvider.GetElapsedTime(started));
    }

    private string Endpoint(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]:{Port}" : $"{address}:{Port}";
}

/// <summary>
/// Succeeds when an HTTP GET answers with an expected status (and, optionally, a body matching a pattern and one with
/// an MD5 digest, keepalived's digest) within the timeout. Like keepalived's HTTP_GET: a new connection per probe ("Connection: close"), redirects not followed, no proxy,
/// and TLS certificates not verified (the probe checks liveness, not identity). All probes share one
/// <see cref="SocketsHttpHandler"/>; nothing here needs reflection, so it works under NativeAOT.
/// </summary>
public sealed class HttpGetProbe : ITrackProbe
{
    /// <summary>At most this much of the body is read to match <see cref="BodyPattern"/>.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly HttpRequestOptionsKey<IPEndPoint> ConnectToKey = new("KeepOperator.ConnectTo");
    private static readonly HttpClient SharedClient = new(CreateHandler(), disposeHandler: false) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    private readonly TimeProvider timeProvider;

    /// <param name="connectTo">Connect here instead of the URL's host (LVS: the real server), sending the URL's host in Host.</param>
    /// <param name="bodyDigest">The MD5 digest the whole body must have, 32 lowercase hex digits.</param>
    public HttpGetProbe(Uri url, HttpStatusRanges expectedStatus, TimeSpan timeout, Regex? bodyPattern = null, IPEndPoint? connectTo = null, TimeProvider? timeProvider = null, string? bodyDigest = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(expectedStatus);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("must be an absolute http:// or https:// URL", nameof(url));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Url = url;
        ExpectedStatus = expectedStatus;
        Timeout = timeout;
        BodyPattern = bodyPattern;
        BodyDigest = bodyDigest;
        ConnectTo = connectTo;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    public Uri Url { get; }

    public HttpStatusRanges ExpectedStatus { get; }

    public TimeSpan Timeout { get; }

    public Regex? BodyPattern { get; }

    public string? BodyDigest { get; }

    public IPEndPoint? ConnectTo { get; }

    public async Task<ProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, Url)
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.ConnectionClose = true;
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("keepoperator-agent", "1"));
        if (ConnectTo is not null)
        {
            request.Options.Set(ConnectToKey, ConnectTo);
        }

        try
        {
            using var response = await SharedClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (!ExpectedStatus.Contains(status))
            {
                return Result(false, $"GET {Url}: status {status}, expected {ExpectedStatus}");
            }

            if (BodyPattern is not null || BodyDigest is not null)
            {
                var (body, digest) = await ReadBodyAsync(response.Content, BodyDigest is not null, timeout.Token).ConfigureAwait(false);
                if (BodyPattern is not null && !Matches(BodyPattern, body))
                {
                    return Result(false, $"GET {Url}: status {status}, body does not match /{BodyPattern}/");
                }

                if (digest != BodyDigest)
                {
                    return Result(false, $"GET {Url}: status {status}, body digest {digest}, expected {BodyDigest}");
                }
            }

            return Result(true, $"GET {Url}: status {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Result(false, $"GET {Url}: timed out after {GoDuration.Format(Timeout)}");
        }
        catch (HttpRequestException e)
        {
            return Result(false, $"GET {Url}: {Innermost(e)}");
        }
        catch (IOException e)
        {
            return Result(false, $"GET {Url}: {e.Message}");
        }

        ProbeResult Result(bool ok, string message) => new(ok, message, timeProvider.GetElapsedTime(started));
    }

    /// <summary>
    /// The body's first <see cref="MaxBodyBytes"/> as text (what the pattern is matched against) and, when asked, the
    /// whole body's MD5 in hex (keepalived's genhash digest), read as it streams in.
    /// </summary>
    private static async Task<(string Prefix, string? Digest)> ReadBodyAsync(HttpContent content, bool digest, CancellationToken cancellationToken)
    {
#pragma warning disable CA5351 // MD5 is what keepalived's digest is; it identifies content, it protects nothing
        using var md5 = digest ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
#pragma warning restore CA5351
        await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var prefix = new byte[MaxBodyBytes];
        var kept = 0;
        var buffer = new byte[16 * 1024];
        int read;
        while ((md5 is not null || kept < prefix.Length) && (read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            md5?.AppendData(buffer, 0, read);
            var keep = Math.Min(read, prefix.Length - kept);
            buffer.AsSpan(0, keep).CopyTo(prefix.AsSpan(kept));
            kept += keep;
        }

        return (Encoding.UTF8.GetString(prefix, 0, kept), md5 is null ? null : Convert.ToHexStringLower(md5.GetHashAndReset()));
    }

    private static bool Matches(Regex pattern, string body)
    {
        try
        {
            return pattern.IsMatch(body);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }

    private static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = TimeSpan.Zero,
        SslOptions = new SslClientAuthenticationOptions
        {
            // Liveness only, as keepalived's SSL_GET: any certificate is accepted.
#pragma warning disable CA5359 // deliberately not validating: a health probe sends no secrets
            RemoteCertificateValidationCallback = static (_, _, _, _) => true,
#pragma warning restore CA5359
        },
        ConnectCallback = static async (context, cancellationToken) =>
        {
            EndPoint endPoint = context.InitialRequestMessage.Options.TryGetValue(ConnectToKey, out var connectTo)
                ? connectTo
                : context.DnsEndPoint;
            var socket = endPoint is IPEndPoint ip
                ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.NoDelay = true;
                await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
