using KeepOperator.Api;
using KeepOperator.Api.Manifests;
using Xunit;

namespace KeepOperator.Operator.Convert.Tests;

/// <summary>
/// examples/seed.yaml and examples/lab.yaml are exactly what the converter prints. After a deliberate change to the
/// converter, regenerate them with KEEPOPERATOR_WRITE_EXAMPLES=1 dotnet test tests/Operator.Convert.Tests and review the diff.
/// </summary>
public class ExamplesTests
{
    public static TheoryData<string, string[]> Examples => new()
    {
        { "seed.yaml", [RepositoryPaths.SeedMaster, RepositoryPaths.SeedSlave, "--node-name-map", "lb01=n1,lb02=n2"] },
        {
            "lab.yaml",
            [Path.Combine(RepositoryPaths.Examples, "keepalived", "lab-master.conf"), Path.Combine(RepositoryPaths.Examples, "keepalived", "lab-slave.conf")]
        },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void RegeneratingGivesTheCommittedFileByteForByte(string example, string[] args)
    {
        var run = Run.Convert(args);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var path = Path.Combine(RepositoryPaths.Examples, example);
        if (Environment.GetEnvironmentVariable("KEEPOPERATOR_WRITE_EXAMPLES") == "1")
        {
            File.WriteAllText(path, run.Stdout);
        }

        Assert.Equal(File.ReadAllText(path), run.Stdout);
    }

    [Fact]
    public void TheSeedExampleNamesTheMappedNodes()
    {
        var vip = ReadExample("seed.yaml").OfType<VirtualIp>().Single();
        Assert.Equal([("n1", 100), ("n2", 90)], vip.Spec.Priorities!.Select(p => (p.NodeName!, p.Priority!.Value)));
    }

    [Fact]
    public void TheLabExampleIsTheDemoLab()
    {
        var objects = ReadExample("lab.yaml");
        var vip = Assert.Single(objects.OfType<VirtualIp>());
        Assert.Equal(["10.77.0.250"], vip.Spec.Addresses);
        Assert.Equal("eth0", vip.Spec.Interface);
        Assert.Equal([("n1", 100), ("n2", 90)], vip.Spec.Priorities!.Select(p => (p.NodeName!, p.Priority!.Value)));
        var vs = Assert.Single(objects.OfType<VirtualServer>());
        Assert.Equal(vip.Metadata.Name, vs.Spec.VirtualIpRef);
        Assert.Equal([("10.77.0.11", 80), ("10.77.0.12", 80)], vs.Spec.RealServers!.Select(r => (r.Address, r.Port!.Value)));
    }

    private static List<IManifestObject> ReadExample(string name) =>
        ManifestReader.ReadFile(Path.Combine(RepositoryPaths.Examples, name), ValidationMode.Standalone, ManifestKinds.All).Select(d => d.Object).ToList();
}
