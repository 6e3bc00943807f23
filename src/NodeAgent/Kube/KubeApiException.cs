using System.Net;

namespace KeepOperator.NodeAgent.Kube;

/// <summary>The API server answered, with an error status. Transport failures stay HttpRequestException.</summary>
public sealed class KubeApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>410 Gone / Expired: the resourceVersion is too old to watch from; relist.</summary>
    public bool IsGone => Status == HttpStatusCode.Gone;

    public bool IsNotFound => Status == HttpStatusCode.NotFound;
}
