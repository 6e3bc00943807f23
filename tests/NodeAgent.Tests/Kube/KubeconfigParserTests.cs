using KeepOperator.NodeAgent.Kube;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Kube;

public sealed class KubeconfigParserTests
{
    private const string Yaml = """
        apiVersion: v1
        kind: Config
        current-context: prod
        clusters:
        - name: dev
          cluster:
            server: http://127.0.0.1:1
        - name: prod
          cluster:
            server: https://10.0.0.1:6443
            certificate-authority-data: Q0EtUEVN
        contexts:
        - name: dev
          context: {cluster: dev, user: dev}
        - name: prod
          context: {cluster: prod, user: admin}
        users:
        - name: dev
          user: {token: devtoken}
        - name: admin
          user:
            client-certificate: certs/admin.crt
            client-key-data: S0VZLVBFTQ==
            token: s3cret
        """;

    private static string Files(string path) => path switch
    {
        "/etc/kube/certs/admin.crt" => "CERT-PEM",
        "/etc/kube/ca.crt" => "CA-FROM-FILE",
        _ => throw new FileNotFoundException(path),
    };

    [Fact]
    public void CurrentContext_InlineDataAndFilesRelativeToTheKubeconfig()
    {
        var s = KubeconfigParser.Parse(Yaml, "/etc/kube", Files);
        Assert.Equal(new Uri("https://10.0.0.1:6443"), s.Server);
        Assert.Equal("CA-PEM", s.CertificateAuthorityPem);
        Assert.Equal("CERT-PEM", s.ClientCertificatePem);
        Assert.Equal("KEY-PEM", s.ClientKeyPem);
        Assert.Equal("s3cret", s.Token);
        Assert.False(s.InsecureSkipTlsVerify);
    }

    [Fact]
    public void CaFile_TokenFile_AndInsecureSkipTlsVerify()
    {
        var yaml = """
            current-context: c
            clusters:
            - name: k
              cluster: {server: "https://k:443", certificate-authority: ca.crt, insecure-skip-tls-verify: true}
            contexts:
            - name: c
              context: {cluster: k, user: u}
            users:
            - name: u
              user: {tokenFile: token}
            """;
        var s = KubeconfigParser.Parse(yaml, "/etc/kube", Files);
        Assert.Equal("CA-FROM-FILE", s.CertificateAuthorityPem);
        Assert.Equal("/etc/kube/token", s.TokenFile);
        Assert.True(s.InsecureSkipTlsVerify);
        Assert.Null(s.Token);
    }

    [Theory]
    [InlineData("clusters: []\n", "current-context")]
    [InlineData("current-context: x\ncontexts: []\n", "no context named x")]
    [InlineData("current-context: c\ncontexts:\n- name: c\n  context: {cluster: k}\nclusters:\n- name: k\n  cluster: {}\n", "no server")]
    public void MissingPieces_AreFormatErrorsSayingWhat(string yaml, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => KubeconfigParser.Parse(yaml, "/", Files));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InCluster_UsesTheServiceAccountCaAndRotatingTokenFile_BracketsIPv6()
    {
        var read = new Dictionary<string, string> { ["/sa/ca.crt"] = "SA-CA" };
        var v4 = KubeConnectionSettings.InCluster("10.96.0.1", "443", "/sa", p => read[p]);
        Assert.Equal((new Uri("https://10.96.0.1:443"), "SA-CA", "/sa/token", (string?)null), (v4.Server, v4.CertificateAuthorityPem, v4.TokenFile, v4.Token));
        Assert.Equal(new Uri("https://[fd00::1]:443"), KubeConnectionSettings.InCluster("fd00::1", "443", "/sa", p => read[p]).Server);
    }

    [Fact]
    public void LocalClustersOwnKubeconfig_Parses()
    {
        var s = KubeconfigParser.Parse(KeepOperator.LocalCluster.Kubeconfig.Render("http://127.0.0.1:5000"), "/", Files);
        Assert.Equal((new Uri("http://127.0.0.1:5000"), "localcluster"), (s.Server, s.Token));
    }
}
