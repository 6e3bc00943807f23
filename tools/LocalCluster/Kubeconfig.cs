namespace KeepOperator.LocalCluster;

/// <summary>Writes the kubeconfig clients use: one cluster at the plain-HTTP server address, one context, one user without credentials.</summary>
public static class Kubeconfig
{
    public const string Name = "localcluster";

    public static string Render(string server, string defaultNamespace = "default") => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {Name}
          cluster:
            server: {server}
        contexts:
        - name: {Name}
          context:
            cluster: {Name}
            user: {Name}
            namespace: {defaultNamespace}
        current-context: {Name}
        users:
        - name: {Name}
          user:
            token: {Name}
        preferences: {"{}"}

        """;

    public static void Write(string path, string server)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(full, Render(server));
    }
}
