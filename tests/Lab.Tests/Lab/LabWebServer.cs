using Xunit;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// python3's http.server in a node namespace, serving a page that names the node, and at <see cref="ClientPath"/> the
/// address the request came from (whether the client's own address reached the server).
/// </summary>
public static class LabWebServer
{
    public const string ClientPath = "/client";

    private const string Script = """
        import functools, http.server, sys
        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):
                if self.path != '/client':
                    return super().do_GET()
                body = (self.client_address[0] + '\n').encode()
                self.send_response(200)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        port, bind, root = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        http.server.ThreadingHTTPServer((bind, port), functools.partial(Handler, directory=root)).serve_forever()
        """;

    /// <summary>Starts it on <paramref name="bind"/>:<paramref name="port"/> and waits until it answers on the node's own address.</summary>
    public static LabProcess Start(LabNetwork lab, LabNode node, string bind, int port)
    {
        var root = Path.Combine(lab.TempDir, lab.UniqueName("www-" + node.Name));
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "index.html"), node.Name + "\n");
        var process = lab.Start(node, lab.UniqueName("web-" + node.Name), "python3", ["-c", Script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), bind, root]);
        Assert.True(Wait.Until(() => Sh.Run("ip", "netns", "exec", node.Namespace, "curl", "-s", "--max-time", "1", $"http://{node.IPv4}:{port}/").Ok, TimeSpan.FromSeconds(10)) is not null,
            $"the web server on {node.Name} did not start: {string.Join('\n', process.AllLines)}");
        return process;
    }
}
