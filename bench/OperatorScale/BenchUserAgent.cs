namespace KeepOperator.Bench.OperatorScale;

/// <summary>Names the bench's own requests (creates, fake agents, the Ready watch), so LocalCluster counts the operator's apart.</summary>
internal sealed class BenchUserAgent : DelegatingHandler
{
    public const string Product = "operator-scale";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.UserAgent.Clear();
        request.Headers.UserAgent.ParseAdd(Product + "/1");
        return base.SendAsync(request, cancellationToken);
    }
}
