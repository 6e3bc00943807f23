using System.Net.Http.Headers;
using k8s;

namespace KeepOperator.Operator.Kube;

/// <summary>
/// The operator's KubernetesClient. It names itself in User-Agent, as client-go names its binaries, so that audit
/// logs (and LocalCluster's request counts, from which the RBAC test derives what the chart must grant) tell its
/// calls apart.
/// </summary>
public static class OperatorClient
{
    public const string UserAgentProduct = "keepoperator";

    public static Kubernetes Create(KubernetesClientConfiguration config)
    {
        var client = new Kubernetes(config);
        client.HttpClient.DefaultRequestHeaders.UserAgent.Clear();
        client.HttpClient.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue(UserAgentProduct, "1"));
        return client;
    }
}
