using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using KeepOperator.Api.Logging;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Kube;
using KeepOperator.NodeAgent.Metrics;
using KeepOperator.NodeAgent.Vrrp;

namespace KeepOperator.NodeAgent.Webhooks;

/// <summary>
/// POSTs transitions to the instances' webhooks off the VRRP event loop: <see cref="Enqueue"/> only writes to a bounded
/// queue (the oldest delivery is dropped and counted when it is full), and one task sends them in order, each with its
/// timeout and retries (<see cref="WebhookRetryPolicy"/>). A slow endpoint thus delays later notices, never an advert.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const int DefaultCapacity = 256;

    /// <summary>HttpClients kept per CA bundle; past this many (bundles churning) they are all dropped and made again.</summary>
    private const int MaxClients = 16;

    private readonly string _nodeName;
    private readonly TimeProvider _time;
    private readonly StructuredLog _log;
    private readonly AgentMetrics? _metrics;
    private readonly Channel<Delivery> _queue;
    private readonly Dictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    public WebhookSender(string nodeName, TimeProvider time, StructuredLog log, AgentMetrics? metrics = null, int capacity = DefaultCapacity)
    {
        _nodeName = nodeName;
        _time = time;
        _log = log;
        _metrics = metrics;
        _queue = Channel.CreateBounded<Delivery>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped =>
            {
                _metrics?.WebhookDelivery(WebhookResult.Dropped);
                _log.Warn("webhook", ("instance", dropped.Instance), ("url", Redacted(dropped.Target.Url)), ("result", "dropped"), ("why", "queue full"));
            });
    }

    /// <summary>Queues one POST per target and returns at once; safe from any thread (the loop calls it on each transition).</summary>
    public void Enqueue(string instance, StateChanged changed, DateTimeOffset time, IReadOnlyList<WebhookTarget>? targets)
    {
        ArgumentNullException.ThrowIfNull(changed);
        if (targets is not { Count: > 0 })
        {
            return;
        }

        var body = WebhookBody.Encode(new TransitionNotice(instance, _nodeName, NodeStatusBuilder.StateName(changed.From), NodeStatusBuilder.StateName(changed.To),
            changed.EffectivePriority, changed.Reason, time));
        foreach (var target in targets)
        {
            _queue.Writer.TryWrite(new Delivery(instance, target, body));
        }
    }

    /// <summary>No more notices: <see cref="RunAsync"/> returns once the queue is sent (the STOP transitions of a shutdown).</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>Sends until <see cref="Complete"/> and an empty queue, or <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var delivery))
                {
                    await DeliverAsync(delivery, stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutdown: what is still queued is left unsent.
        }
    }

    private async Task DeliverAsync(Delivery delivery, CancellationToken stop)
    {
        var target = delivery.Target;
        for (var attempt = 1; ; attempt++)
        {
            var (status, error) = await AttemptAsync(delivery, stop).ConfigureAwait(false);
            if (status is { } ok && (int)ok is >= 200 and < 300)
            {
                _metrics?.WebhookDelivery(WebhookResult.Delivered);
                _log.Info("webhook", ("instance", delivery.Instance), ("url", Redacted(target.Url)), ("result", "delivered"), ("status", (int)ok), ("attempt", attempt));
                return;
            }

            if (!WebhookRetryPolicy.ShouldRetry(status, attempt, target.Attempts))
            {
                _metrics?.WebhookDelivery(WebhookResult.Failed);
                _log.Warn("webhook", ("instance", delivery.Instance), ("url", Redacted(target.Url)), ("result", "failed"), ("status", (int?)status), ("error", error), ("attempt", attempt));
                return;
            }

            var backoff = WebhookRetryPolicy.Backoff(attempt);
            _log.Warn("webhook", ("instance", delivery.Instance), ("url", Redacted(target.Url)), ("result", "retry"), ("status", (int?)status), ("error", error), ("attempt", attempt),
                ("retry_in", Api.GoDuration.Format(backoff)));
            await Task.Delay(backoff, _time, stop).ConfigureAwait(false);
        }
    }

    /// <summary>One POST: the status, or null and why there was none.</summary>
    private async Task<(HttpStatusCode? Status, string? Error)> AttemptAsync(Delivery delivery, CancellationToken stop)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(delivery.Target.Timeout);
        try
        {
            using var content = new ByteArrayContent(delivery.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue(WebhookBody.ContentType);
            using var response = await Client(delivery.Target.CaBundle).PostAsync(delivery.Target.Url, content, deadline.Token).ConfigureAwait(false);
            return (response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return (null, "timeout " + Api.GoDuration.Format(delivery.Target.Timeout));
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Security.Cryptography.CryptographicException)
        {
            return (null, ex.InnerException?.Message is { } inner ? $"{ex.Message} ({inner})" : ex.Message);
        }
    }

    private HttpClient Client(string? caBundle)
    {
        var key = caBundle ?? "";
        if (_clients.TryGetValue(key, out var client))
        {
            return client;
        }

        if (_clients.Count >= MaxClients)
        {
            DisposeClients();
        }

        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        if (caBundle is not null)
        {
            Tls.CustomRootTrust.Apply(handler.SslOptions, caBundle);
        }

        // Attempts are bounded by their own deadline.
        client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _clients[key] = client;
        return client;
    }

    /// <summary>Scheme, host and port only: a path or query may carry a token.</summary>
    private static string Redacted(Uri url) => url.GetLeftPart(UriPartial.Authority);

    private void DisposeClients()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }

    public void Dispose() => DisposeClients();

    private sealed record Delivery(string Instance, WebhookTarget Target, byte[] Body);
}
