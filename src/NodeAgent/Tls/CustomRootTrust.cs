using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace KeepOperator.NodeAgent.Tls;

/// <summary>Trust only the given PEM roots for a TLS client (a cluster's CA, a webhook's private CA), not the system's.</summary>
public static class CustomRootTrust
{
    public static void Apply(SslClientAuthenticationOptions ssl, string caPem)
    {
        ArgumentNullException.ThrowIfNull(ssl);
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(caPem);
        ssl.CertificateChainPolicy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        ssl.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
    }
}
