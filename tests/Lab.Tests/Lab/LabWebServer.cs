using Xunit;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>python3's http.server in a node namespace, serving a page that names the node.</summary>
public static class LabWebServer
{
    /// <summary>Starts it on <paramref name="bind"/>:<paramref name="port"/> and waits until it answers on the node's own address.</summary>
    public static LabProcess Start(LabNetwork lab, LabNode node, string bind, int port)
    {
        var root = Path.Combine(lab.TempDir, lab.UniqueName("www-" + node.Name));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "index.html"), node.Name + "\n");
        var process = lab.Start(node, lab.UniqueName("web-" + node.Name), "python3", ["-m", "http.server", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", bind, "--directory", root]);
        Assert.True(Wait.Until(() => Sh.Run("ip", "netns", "exec", node.Namespace, "curl", "-s", "--max-time", "1", $"http://{node.IPv4}:{port}/").Ok, TimeSpan.FromSeconds(10)) is not null,
            $"the web server on {node.Name} did not start: {string.Join('\n', process.AllLines)}");
        return process;
    }
}
