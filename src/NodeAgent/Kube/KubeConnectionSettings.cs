namespace KeepOperator.NodeAgent.Kube;

/// <summary>
/// Where the API server is and how to prove who we are: what a kubeconfig's current context or the in-cluster service
/// account gives. Certificates and keys are PEM text (files already read).
/// </summary>
/// <param name="TokenFile">Re-read on every request: projected service-account tokens rotate.</param>
public sealed record KubeConnectionSettings(
    Uri Server,
    string? CertificateAuthorityPem = null,
    string? ClientCertificatePem = null,
    string? ClientKeyPem = null,
    string? Token = null,
    string? TokenFile = null,
    bool InsecureSkipTlsVerify = false)
{
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>
    /// --kubeconfig, else $KUBECONFIG (first of a ':' list), else the in-cluster service account, else ~/.kube/config:
    /// the operator's order.
    /// </summary>
    public static KubeConnectionSettings Load(string? kubeconfigPath)
    {
        var path = kubeconfigPath ?? Environment.GetEnvironmentVariable("KUBECONFIG")?.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (path is null)
        {
            var host = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST");
            var port = Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_PORT");
            if (!string.IsNullOrEmpty(host) && !string.IsNullOrEmpty(port))
            {
                return InCluster(host, port, ServiceAccountDirectory, File.ReadAllText);
            }

            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        }

        var full = Path.GetFullPath(path);
        return KubeconfigParser.Parse(File.ReadAllText(full), Path.GetDirectoryName(full)!, File.ReadAllText);
    }

    /// <summary>The pod's service account: https://HOST:PORT, its CA and its (rotating) token file.</summary>
    public static KubeConnectionSettings InCluster(string host, string port, string directory, Func<string, string> readFile)
    {
        ArgumentNullException.ThrowIfNull(readFile);
        // An IPv6 service host needs brackets in a URI.
        var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
        return new KubeConnectionSettings(
            new Uri("https://" + authority),
            CertificateAuthorityPem: readFile(Path.Combine(directory, "ca.crt")),
            TokenFile: Path.Combine(directory, "token"));
    }
}
