using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Hosting;
using KeepOperator.NodeAgent.Tests.Infrastructure;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Metrics.Exposition;

namespace KeepOperator.NodeAgent.Tests.Metrics;

/// <summary>
/// The agent as shipped (<c>dotnet keepoperator-agent.dll</c>, standalone) in a network namespace of its own, scraped
/// over HTTP from inside that namespace: its port is free there whatever the host runs.
/// </summary>
public sealed class AgentMetricsEndpointTests : IDisposable
{
    private readonly TestNetworkNamespaces _ns = TestNetworkNamespaces.Create();
    private readonly string _directory = Directory.CreateTempSubdirectory("agent-metrics-").FullName;

    [RootFact]
    public async Task The_default_port_serves_the_instance_becoming_master()
    {
        using var agent = StartAgent();
        using var http = HttpClientInNamespace();
        var url = $"http://127.0.0.1:{AgentCommandLine.DefaultMetricsPort}/metrics";

        var text = await Eventually(http, url, t => Value(t, "keepoperator_vrrp_state", State("master")) == 1, agent);
        using var response = await http.GetAsync(url);

        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(0, Value(text, "keepoperator_vrrp_state", State("backup")));
        Assert.Equal(1, Value(text, "keepoperator_vrrp_transitions_total", ("vip", "web"), ("from", "backup"), ("to", "master"), ("reason", "master_down")));
        Assert.True(Value(text, "keepoperator_vrrp_adverts_sent_total", ("vip", "web")) >= 1);
        Assert.Equal(100, Value(text, "keepoperator_vrrp_effective_priority", ("vip", "web")));
        Assert.True(Value(text, "process_resident_memory_bytes") > 0);

        Assert.Equal(0, agent.Stop(TimeSpan.FromSeconds(10)));
    }

    [RootFact]
    public void A_metrics_address_in_use_stops_the_agent_before_it_touches_the_host()
    {
        using var taken = _ns.ThreadA.Invoke(() =>
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            return listener;
        });
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        using var agent = StartAgent("--metrics-address", $"127.0.0.1:{port}");

        Assert.Equal(1, agent.WaitForExit(TimeSpan.FromSeconds(15)));
        Assert.Contains($"cannot serve metrics on 127.0.0.1:{port}", agent.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("10.77.8.250", TestNetworkNamespaces.Ip(_ns.A, "addr", "show"), StringComparison.Ordinal);
    }

    private static (string, string)[] State(string state) => [("vip", "web"), ("interface", TestNetworkNamespaces.LinkA), ("vrid", "51"), ("state", state)];

    private ProgramProcess StartAgent(params string[] extra)
    {
        var config = Path.Combine(_directory, "web.yaml");
        File.WriteAllText(config, $"""
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata:
              name: web
            spec:
              addresses: ["10.77.8.250"]
              interface: {TestNetworkNamespaces.LinkA}
              virtualRouterId: 51
              vrrpVersion: 3
              advertInterval: 50ms
              priorities:
                - nodeName: n1
                  priority: 100
            """);
        return ProgramProcess.Start("ip", ["netns", "exec", _ns.A, "dotnet", ProgramProcess.BuildOutput("src/NodeAgent", "keepoperator-agent.dll"), "--config", config, "--node-name", "n1", .. extra]);
    }

    /// <summary>Sockets made on a thread inside namespace A, so 127.0.0.1 is the agent's loopback.</summary>
    private HttpClient HttpClientInNamespace() => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancel) =>
        {
            var socket = _ns.ThreadA.Invoke(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancel);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { Timeout = TimeSpan.FromSeconds(5) };

    private static async Task<string> Eventually(HttpClient http, string url, Func<string, bool> done, ProgramProcess agent)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string last = "(no answer yet)";
        while (DateTime.UtcNow < deadline && !agent.Process.HasExited)
        {
            try
            {
                last = await http.GetStringAsync(url);
                if (done(last))
                {
                    return last;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message; // not listening yet
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"no such scrape within 15 s; last:\n{last}\n{agent.Describe()}");
    }

    public void Dispose()
    {
        _ns.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
