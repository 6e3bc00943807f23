using System.Text;
using YamlDotNet.RepresentationModel;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>
/// Pure: reads a kubeconfig's current context into <see cref="KubeConnectionSettings"/> (server,
/// certificate-authority(-data), client-certificate(-data), client-key(-data), token, tokenFile,
/// insecure-skip-tls-verify). Relative file paths are relative to the kubeconfig's directory, as kubectl has it.
/// </summary>
public static class KubeconfigParser
{
    /// <exception cref="FormatException">The file lacks what a connection needs (context, cluster, server).</exception>
    public static KubeConnectionSettings Parse(string yaml, string baseDirectory, Func<string, string> readFile)
    {
        ArgumentNullException.ThrowIfNull(readFile);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException("kubeconfig: not a YAML mapping");
        }

        var contextName = Scalar(root, "current-context") ?? throw new FormatException("kubeconfig: no current-context");
        var context = Named(root, "contexts", contextName, "context");
        var clusterName = Scalar(context, "cluster") ?? throw new FormatException($"kubeconfig: context {contextName} names no cluster");
        var cluster = Named(root, "clusters", clusterName, "cluster");
        var userName = Scalar(context, "user");
        var user = userName is null ? null : Named(root, "users", userName, "user");

        string? Pem(YamlMappingNode? node, string key)
        {
            if (node is null)
            {
                return null;
            }

            if (Scalar(node, key + "-data") is { } data)
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(data));
            }

            return Scalar(node, key) is { } file ? readFile(Path.Combine(baseDirectory, file)) : null;
        }

        var server = Scalar(cluster, "server") ?? throw new FormatException($"kubeconfig: cluster {clusterName} has no server");
        var tokenFile = user is null ? null : Scalar(user, "tokenFile");
        return new KubeConnectionSettings(
            new Uri(server),
            CertificateAuthorityPem: Pem(cluster, "certificate-authority"),
            ClientCertificatePem: Pem(user, "client-certificate"),
            ClientKeyPem: Pem(user, "client-key"),
            Token: user is null ? null : Scalar(user, "token"),
            TokenFile: tokenFile is null ? null : Path.Combine(baseDirectory, tokenFile),
            InsecureSkipTlsVerify: string.Equals(Scalar(cluster, "insecure-skip-tls-verify"), "true", StringComparison.OrdinalIgnoreCase));
    }

    private static YamlMappingNode Named(YamlMappingNode root, string listKey, string name, string inner)
    {
        if (root.Children.TryGetValue(new YamlScalarNode(listKey), out var list) && list is YamlSequenceNode entries)
        {
            foreach (var entry in entries.OfType<YamlMappingNode>())
            {
                if (Scalar(entry, "name") == name && entry.Children.TryGetValue(new YamlScalarNode(inner), out var value) && value is YamlMappingNode mapping)
                {
                    return mapping;
                }
            }
        }

        throw new FormatException($"kubeconfig: no {inner} named {name} in {listKey}");
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { } text } ? text : null;
}
