using System.Text.Json;
using KeepOperator.Api.Vocabulary;
using KeepOperator.NodeAgent.Config;
using KeepOperator.NodeAgent.Metrics;
using KeepOperator.NodeAgent.Tests.Hosting;
using KeepOperator.NodeAgent.Vrrp;
using KeepOperator.NodeAgent.Webhooks;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Metrics.Exposition;

namespace KeepOperator.NodeAgent.Tests.Webhooks;

/// <summary>The sender against a real HTTPS endpoint on loopback whose self-signed certificate is given as the caBundle.</summary>
public sealed class WebhookSenderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    private static WebhookTarget Target(WebhookReceiver receiver, int attempts = 4, string? caBundle = "") =>
        new(new Uri(receiver.Url), caBundle == "" ? receiver.CaBundle : caBundle, TimeSpan.FromSeconds(5), attempts);

    private static double Deliveries(AgentMetrics metrics, string result) => Value(metrics.Render(), MetricNames.WebhookDeliveries, ("result", result)) ?? -1;

    private static async Task SendAllAsync(WebhookSender sender)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = sender.RunAsync(stop.Token);
        sender.Complete();
        await run;
    }

    [Fact]
    public async Task Posts_each_transition_in_order_and_retries_an_endpoint_that_fails_twice()
    {
        using var receiver = WebhookReceiver.OnLoopback(failFirst: 2);
        var log = new CapturedLog();
        var metrics = new AgentMetrics();
        using var sender = new WebhookSender("n1", TimeProvider.System, log.Log, metrics);
        var target = Target(receiver);

        sender.Enqueue("web", new StateChanged(VrrpState.Initialize, VrrpState.Backup, VrrpTransitionReason.Startup, 100), T0, [target]);
        sender.Enqueue("web", new StateChanged(VrrpState.Backup, VrrpState.Master, VrrpTransitionReason.MasterDown, 100), T0.AddSeconds(3), [target]);
        await SendAllAsync(sender);

        Assert.Equal(4, receiver.Bodies.Count); // the first transition three times (503, 503, 200), then the second
        var accepted = receiver.Accepted.Select(b => JsonDocument.Parse(b).RootElement).ToList();
        Assert.Equal(2, accepted.Count);
        Assert.Equal(["Stopped->Backup", "Backup->Master"], accepted.Select(a => $"{a.GetProperty("from").GetString()}->{a.GetProperty("to").GetString()}"));
        Assert.All(accepted, a => Assert.Equal("web", a.GetProperty("virtualIp").GetString()));
        Assert.All(accepted, a => Assert.Equal("n1", a.GetProperty("node").GetString()));
        Assert.All(accepted, a => Assert.Equal(100, a.GetProperty("priority").GetInt32()));
        Assert.Equal(VrrpTransitionReason.MasterDown, accepted[1].GetProperty("reason").GetString());
        Assert.Equal(T0.AddSeconds(3), accepted[1].GetProperty("time").GetDateTimeOffset());
        Assert.Equal(2, Deliveries(metrics, "delivered"));
        Assert.Equal(0, Deliveries(metrics, "failed"));
        Assert.Equal(2, log.Lines.Count(l => l.Contains("result=retry", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Gives_up_after_its_attempts()
    {
        using var receiver = WebhookReceiver.OnLoopback(failFirst: 100);
        var metrics = new AgentMetrics();
        using var sender = new WebhookSender("n1", TimeProvider.System, new CapturedLog().Log, metrics);

        sender.Enqueue("web", new StateChanged(VrrpState.Backup, VrrpState.Master, VrrpTransitionReason.MasterDown, 100), T0, [Target(receiver, attempts: 2)]);
        await SendAllAsync(sender);

        Assert.Equal(2, receiver.Bodies.Count);
        Assert.Equal(1, Deliveries(metrics, "failed"));
        Assert.Equal(0, Deliveries(metrics, "delivered"));
    }

    [Fact]
    public async Task A_certificate_the_system_does_not_trust_is_refused_without_the_caBundle()
    {
        using var receiver = WebhookReceiver.OnLoopback();
        var log = new CapturedLog();
        var metrics = new AgentMetrics();
        using var sender = new WebhookSender("n1", TimeProvider.System, log.Log, metrics);

        sender.Enqueue("web", new StateChanged(VrrpState.Backup, VrrpState.Master, VrrpTransitionReason.MasterDown, 100), T0, [Target(receiver, attempts: 1, caBundle: null)]);
        await SendAllAsync(sender);

        Assert.Empty(receiver.Accepted);
        Assert.Equal(1, Deliveries(metrics, "failed"));
    }

    [Fact]
    public async Task A_full_queue_drops_the_oldest_and_counts_it()
    {
        using var receiver = WebhookReceiver.OnLoopback();
        var metrics = new AgentMetrics();
        using var sender = new WebhookSender("n1", TimeProvider.System, new CapturedLog().Log, metrics, capacity: 2);
        var target = Target(receiver);

        // Nothing sends yet: the third transition pushes the first out.
        foreach (var (to, i) in new[] { VrrpState.Backup, VrrpState.Master, VrrpState.Fault }.Select((s, i) => (s, i)))
        {
            sender.Enqueue("web", new StateChanged(VrrpState.Initialize, to, VrrpTransitionReason.Startup, 100), T0.AddSeconds(i), [target]);
        }
        Assert.Equal(1, Deliveries(metrics, "dropped"));
        await SendAllAsync(sender);

        Assert.Equal(["Master", "Fault"], receiver.Accepted.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("to").GetString()));
        Assert.Equal(2, Deliveries(metrics, "delivered"));
    }

    [Fact]
    public async Task Enqueue_returns_at_once_while_the_endpoint_hangs()
    {
        // A listener that never answers: the POST would wait for its whole timeout.
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            using var sender = new WebhookSender("n1", TimeProvider.System, new CapturedLog().Log);
            using var stop = new CancellationTokenSource();
            var run = sender.RunAsync(stop.Token);
            var target = new WebhookTarget(new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)silent.LocalEndpoint).Port}/"), null, TimeSpan.FromSeconds(30), 10);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < 1000; i++)
            {
                sender.Enqueue("web", new StateChanged(VrrpState.Backup, VrrpState.Master, VrrpTransitionReason.MasterDown, 100), T0, [target]);
            }
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"1000 enqueues took {watch.Elapsed}");
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(5));
        }
        finally
        {
            silent.Stop();
        }
    }
}
