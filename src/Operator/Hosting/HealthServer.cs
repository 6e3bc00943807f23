using System.Net;
using KeepOperator.Api.Metrics;

namespace KeepOperator.Operator.Hosting;

/// <summary>
/// The kubelet's probes (controller-runtime's --health-probe-bind-address): GET /healthz and /readyz answer 200 "ok"
/// while the process serves them, anything else 404. Apart from /metrics, so probes keep working with metrics off. A
/// standby replica is ready too: it takes over the Lease without a restart.
/// </summary>
public sealed class HealthServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    private HealthServer(MetricsAddress address)
    {
        _listener.Prefixes.Add($"http://{address.ListenerHost}:{address.Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>Starts serving; throws HttpListenerException or SocketException when the address cannot be bound.</summary>
    public static HealthServer Start(MetricsAddress address) => new(address);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            var path = context.Request.Url?.AbsolutePath;
            var ok = context.Request.HttpMethod is "GET" or "HEAD" && path is "/healthz" or "/readyz" or "/livez";
            context.Response.StatusCode = ok ? 200 : 404;
            context.Response.ContentType = "text/plain; charset=utf-8";
            var body = ok ? "ok"u8.ToArray() : "not found"u8.ToArray();
            context.Response.ContentLength64 = body.Length;
            if (context.Request.HttpMethod != "HEAD")
            {
                await context.Response.OutputStream.WriteAsync(body).ConfigureAwait(false);
            }

            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(1));
    }
}
