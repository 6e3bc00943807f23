using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KeepOperator.Api;
using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.Health;
using KeepOperator.NodeAgent.LoadBalancing;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>keepalived's SSL_GET as the agent runs it: an HTTPS GET to the real server, any certificate accepted, the body's digest checked.</summary>
public sealed class RealServerCheckFactoryTests
{
    private const string Body = "ok from tls";

    private static HttpGetProbe ProbeFor(int port, bool tls, string digest)
    {
        var server = VirtualServerSamples.Web("tls", 443);
        (server.Spec.VirtualIpRef, server.Spec.Address) = (null, "10.77.0.40");
        server.Spec.RealServers = [new RealServer { Address = "127.0.0.1", Port = port }];
        server.Spec.HealthCheck = new HealthCheck { Http = new HttpHealthCheck { Path = "/check", Tls = tls, Digest = digest, ConnectTimeout = "5s" } };
        Assert.Empty(VirtualServerValidator.Validate(server));
        var check = Assert.Single(RealServerCheckFactory.Build([new VirtualServerDefinition(VirtualServerResolver.Resolve(server, null))]));
        return Assert.IsType<HttpGetProbe>(check.Probe);
    }

    [Fact]
    public async Task An_ssl_get_check_speaks_tls_to_a_self_signed_real_server_and_checks_the_digest()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var certificate = SelfSigned();
        var serving = ServeTlsAsync(listener, certificate, requests: 2);
        var digest = Convert.ToHexStringLower(MD5.HashData(Encoding.ASCII.GetBytes(Body)));

        var probe = ProbeFor(port, tls: true, digest);
        Assert.Equal($"https://127.0.0.1:{port}/check", probe.Url.ToString());
        var result = await probe.ProbeAsync(CancellationToken.None);
        Assert.True(result.Success, result.Message);
        Assert.False((await ProbeFor(port, tls: true, new string('f', 32)).ProbeAsync(CancellationToken.None)).Success);
        await serving.WaitAsync(TimeSpan.FromSeconds(10));

        // HTTP_GET, the same settings without tls, asks in plain HTTP.
        Assert.Equal("http", ProbeFor(port, tls: false, digest).Url.Scheme);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=real-server", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Exported and loaded again: SslStream on Linux needs a certificate whose key it can use as a server.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    private static async Task ServeTlsAsync(TcpListener listener, X509Certificate2 certificate, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            using var client = await listener.AcceptTcpClientAsync();
            await using var tls = new SslStream(client.GetStream());
            await tls.AuthenticateAsServerAsync(certificate);
            var buffer = new byte[4096];
            var request = new StringBuilder();
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await tls.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var response = $"HTTP/1.1 200 OK\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}";
            await tls.WriteAsync(Encoding.ASCII.GetBytes(response));
        }
    }
}
