using KeepOperator.Operator.Hosting;
using Xunit;

namespace KeepOperator.Operator.Tests.Integration;

/// <summary>One cluster and one operator for the workflow tests; each test uses its own nodes, labels and interface.</summary>
public sealed class OperatorWorkflowFixture : IAsyncLifetime
{
    public OperatorCluster Cluster { get; private set; } = null!;

    public OperatorRunner Operator { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await OperatorCluster.StartAsync();
        Operator = Cluster.StartOperator(OperatorCluster.FastOptions("workflow"));
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
