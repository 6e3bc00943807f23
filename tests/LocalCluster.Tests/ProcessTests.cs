using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace KeepOperator.LocalCluster.Tests;

/// <summary>The command line as scripts use it: ready line, kubeconfig, --data persistence across a restart.</summary>
public sealed partial class ProcessTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "localcluster-proc-" + Guid.NewGuid().ToString("N")[..8]);

    public ProcessTests() => Directory.CreateDirectory(dir);

    public void Dispose()
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Server : IAsyncDisposable
    {
        private Server(Process process, string url, string kubeconfig)
        {
            Process = process;
            Url = url;
            Kubeconfig = kubeconfig;
        }

        public Process Process { get; }

        public string Url { get; }

        public string Kubeconfig { get; }

        public static async Task<Server> StartAsync(params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keepoperator-localcluster.dll"));
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            var p = Process.Start(psi)!;
            p.ErrorDataReceived += (_, _) => { };
            p.BeginErrorReadLine();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var line = await p.StandardOutput.ReadLineAsync(cts.Token);
            var m = ReadyLine().Match(line ?? string.Empty);
            if (!m.Success)
            {
                p.Kill();
                throw new Xunit.Sdk.XunitException($"no ready line, got: {line}");
            }

            return new Server(p, m.Groups[1].Value, m.Groups[2].Value);
        }

        /// <summary>SIGTERM, then wait for a clean exit.</summary>
        public async Task<int> StopAsync()
        {
            using (var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await Process.WaitForExitAsync(cts.Token);
            return Process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                await Process.WaitForExitAsync();
            }

            Process.Dispose();
        }
    }

    [GeneratedRegex(@"^localcluster ready: server=(http://127\.0\.0\.1:\d+) kubeconfig=(\S+)$")]
    private static partial Regex ReadyLine();

    [Fact]
    public async Task Cli_PrintsReadyLine_AndPersistsObjectsAcrossRestart()
    {
        var kubeconfig = Path.Combine(dir, "kubeconfig");
        var data = Path.Combine(dir, "state.json");
        string uid;
        string rv;
        await using (var first = await Server.StartAsync("--listen", "127.0.0.1:0", "--kubeconfig", kubeconfig, "--data", data))
        {
            Assert.Equal(kubeconfig, first.Kubeconfig);
            Assert.Contains($"server: {first.Url}", await File.ReadAllTextAsync(kubeconfig));
            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(TestCrds.WidgetCrd));
            await client.CustomObjects.CreateClusterCustomObjectAsync(
                new JsonObject { ["apiVersion"] = "test.keepoperator.io/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "kept" }, ["spec"] = new JsonObject { ["size"] = 8 } },
                TestCrds.Group, TestCrds.V1, TestCrds.Widgets);
            var cm = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "kept" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, "kube-system");
            uid = cm.Metadata.Uid;
            rv = cm.Metadata.ResourceVersion;
            Assert.Equal(0, await first.StopAsync());
        }

        Assert.Contains("\"kept\"", await File.ReadAllTextAsync(data));

        await using var second = await Server.StartAsync("--listen", "127.0.0.1:0", "--kubeconfig", kubeconfig, "--data", data);
        using var again = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
        var reloaded = await again.CoreV1.ReadNamespacedConfigMapAsync("kept", "kube-system");
        Assert.Equal(uid, reloaded.Metadata.Uid);
        Assert.Equal(rv, reloaded.Metadata.ResourceVersion);
        var widget = JsonSerializer.Serialize(await again.CustomObjects.GetClusterCustomObjectAsync(TestCrds.Group, TestCrds.V1, TestCrds.Widgets, "kept"));
        Assert.Contains("\"size\":8", widget);

        var next = await again.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after" } }, "default");
        Assert.True(long.Parse(next.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(rv, System.Globalization.CultureInfo.InvariantCulture));

        // the watch history starts empty after a restart: older resourceVersions are gone
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => again.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("kube-system", resourceVersion: "1", watch: true));
        Assert.Equal(HttpStatusCode.Gone, gone.Response.StatusCode);
        Assert.Equal(0, await second.StopAsync());
    }

    [Fact]
    public async Task Cli_RejectsBadArguments()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "keepoperator-localcluster.dll"));
        psi.ArgumentList.Add("--listen");
        psi.ArgumentList.Add("nonsense");
        psi.ArgumentList.Add("--kubeconfig");
        psi.ArgumentList.Add(Path.Combine(dir, "kc"));
        using var p = Process.Start(psi)!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains("--listen wants ADDR:PORT", err);
    }
}
