using System.Net;
using KeepOperator.Api;
using KeepOperator.Api.Services;
using KeepOperator.NodeAgent.LoadBalancing;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>VirtualServers and definitions the load-balancing tests share.</summary>
internal static class VirtualServerSamples
{
    /// <summary>The VirtualIp the samples serve on: 10.77.0.250.</summary>
    public static VirtualIp Vip() => new() { Metadata = new ObjectMeta { Name = "vi-1" }, Spec = new VirtualIpSpec { Addresses = ["10.77.0.250"] } };

    /// <summary>examples/lab.yaml's virtual server, with a second real server pair and a check of 1 s.</summary>
    public static VirtualServer Web(string name = "web", int port = 80) => new()
    {
        Metadata = new ObjectMeta { Namespace = "default", Name = name },
        Spec = new VirtualServerSpec
        {
            VirtualIpRef = "vi-1",
            Port = port,
            Scheduler = "rr",
            Forwarding = "NAT",
            RealServers =
            [
                new RealServer { Address = "10.77.0.11", Port = 80, Weight = 1 },
                new RealServer { Address = "10.77.0.12", Port = 80, Weight = 2 },
            ],
            HealthCheck = new HealthCheck { Interval = "1s", Retries = 1, DelayBeforeRetry = "500ms", Tcp = new TcpHealthCheck { ConnectTimeout = "1s" } },
        },
    };

    /// <summary>The server resolved on <see cref="Vip"/>, as the operator or the standalone loader gives it to the agent.</summary>
    public static VirtualServerInstance Resolved(VirtualServer server) => VirtualServerResolver.Resolve(server, Vip());

    public static VirtualServerDefinition Definition(VirtualServer server) => new(Resolved(server));

    /// <summary>A definition with the given real-server weights (10.0.0.1, 10.0.0.2, ...) and no check.</summary>
    public static VirtualServerDefinition WithWeights(IReadOnlyList<int> weights, bool inhibit = false, RealServerSettings? sorry = null, int minimum = 1, int hysteresis = 0) =>
        new(Resolved(Web("vs")) with
        {
            RealServers = [.. weights.Select((w, i) => new RealServerSettings(IPAddress.Parse($"10.0.0.{i + 1}"), 80, w))],
            SorryServer = sorry,
            InhibitOnFailure = inhibit,
            Quorum = new QuorumSettings(minimum, hysteresis),
            HealthCheck = null,
        });
}
