using System.Net;
using KeepOperator.Api;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>VirtualServers and definitions the load-balancing tests share.</summary>
internal static class VirtualServerSamples
{
    public static readonly IReadOnlyList<string> VipAddresses = ["10.77.0.250"];

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

    public static VirtualServerDefinition Definition(VirtualServer server) =>
        VirtualServerResolver.Resolve(server, VipAddresses).Definition
        ?? throw new InvalidOperationException("sample does not resolve");

    /// <summary>A definition with the given real-server weights (10.0.0.1, 10.0.0.2, ...) and no check.</summary>
    public static VirtualServerDefinition WithWeights(IReadOnlyList<int> weights, bool inhibit = false, ConfiguredRealServer? sorry = null, int minimum = 1, int hysteresis = 0) =>
        new(
            "default",
            "vs",
            "vi-1",
            new VirtualService(ServiceKey.ForAddress(ServiceProtocol.Tcp, IPAddress.Parse("10.77.0.250"), 80)),
            PacketForwarding.Masquerade,
            [.. weights.Select((w, i) => new ConfiguredRealServer(IPAddress.Parse($"10.0.0.{i + 1}"), 80, w))],
            sorry,
            inhibit,
            minimum,
            hysteresis,
            null);
}
