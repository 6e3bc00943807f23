using Xunit;

namespace KeepOperator.Deploy.Tests;

public sealed class ChartCrdsTests
{
    [Fact]
    public void TheChartsCrdsAreDeployCrdsByteForByte()
    {
        static string[] Names(string dir) => Directory.GetFiles(dir).Select(Path.GetFileName).Order().ToArray()!;
        var chartCrds = Path.Combine(RepoPaths.Chart, "crds");

        Assert.Equal(Names(RepoPaths.Crds), Names(chartCrds));
        Assert.NotEmpty(Names(RepoPaths.Crds));
        Assert.All(Names(RepoPaths.Crds), name =>
            Assert.True(File.ReadAllBytes(Path.Combine(RepoPaths.Crds, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(chartCrds, name))),
                $"{name} differs: copy deploy/crds/{name} to deploy/helm/keepoperator/crds/"));
    }
}
