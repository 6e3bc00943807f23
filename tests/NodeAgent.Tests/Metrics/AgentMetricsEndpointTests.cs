using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
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
        Assert.Equal(1, Value(text, "keepoperator_vrrp_transitions_total", ("vip", "web"), ("from", "backup"), ("to", "master")));
        Assert.True(Value(text, "keepoperator_vrrp_adverts_sent_total", ("vip", "web")) >= 1);
        Assert.Equal(100, Value(text, "keepoperator_vrrp_effective_priority", ("vip", "web")));
        Assert.True(Value(text, "process_working_set_bytes") > 0);

        Assert.Equal(0, agent.Stop());
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

        Assert.True(agent.Process.WaitForExit(15_000), "the agent kept running");
        Assert.Equal(1, agent.Process.ExitCode);
        Assert.Contains($"cannot serve metrics on 127.0.0.1:{port}", agent.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("10.77.8.250", TestNetworkNamespaces.Ip(_ns.A, "addr", "show"), StringComparison.Ordinal);
    }

    private static (string, string)[] State(string state) => [("vip", "web"), ("interface", TestNetworkNamespaces.LinkA), ("vrid", "51"), ("state", state)];

    private AgentProcess StartAgent(params string[] extra)
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
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["netns", "exec", _ns.A, "dotnet", AgentDll(), "--config", config, "--node-name", "n1", .. extra])
        {
            start.ArgumentList.Add(arg);
        }
        return new AgentProcess(Process.Start(start)!);
    }

    /// <summary>
    /// The agent's own build output (built with this project): this directory lacks its Microsoft.Extensions.* files,
    /// which the test host takes from the ASP.NET Core framework that LocalCluster brings.
    /// </summary>
    private static string AgentDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory); // tests/NodeAgent.Tests/bin/<Configuration>/net10.0/
        var configuration = output.Parent!.Name;
        var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        return Path.Combine(root, "src", "NodeAgent", "bin", configuration, "net10.0", "keepoperator-agent.dll");
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

    private static async Task<string> Eventually(HttpClient http, string url, Func<string, bool> done, AgentProcess agent)
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
        throw new Xunit.Sdk.XunitException($"no such scrape within 15 s; last:\n{last}\nagent stdout:\n{agent.Stdout}\nstderr:\n{agent.Stderr}");
    }

    public void Dispose()
    {
        _ns.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The agent's process with its output collected; SIGKILLed on dispose if still running.</summary>
    private sealed class AgentProcess : IDisposable
    {
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();

        public AgentProcess(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
            process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Stdout => Read(_stdout);

        public string Stderr
        {
            get
            {
                Process.WaitForExit(1000); // the last lines arrive after the exit
                return Read(_stderr);
            }
        }

        /// <summary>SIGTERM (the agent's clean shutdown); its exit code.</summary>
        public int Stop()
        {
            Assert.Equal(0, Tmds.Linux.LibC.kill(Process.Id, Tmds.Linux.LibC.SIGTERM));
            Assert.True(Process.WaitForExit(10_000), "no exit after SIGTERM");
            return Process.ExitCode;
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit(5000);
            }
            Process.Dispose();
        }

        private static void Append(StringBuilder to, string? line)
        {
            if (line is not null)
            {
                lock (to)
                {
                    to.AppendLine(line);
                }
            }
        }

        private static string Read(StringBuilder from)
        {
            lock (from)
            {
                return from.ToString();
            }
        }
    }
}
