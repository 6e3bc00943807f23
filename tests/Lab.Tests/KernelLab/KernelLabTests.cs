using Xunit;
using Xunit.Abstractions;

namespace KeepOperator.Lab.Tests.KernelLab;

/// <summary>
/// The kernel lab's scenarios (tools/kernel-lab/scenarios), one test each: the agent with <c>--dataplane ipvs</c> on
/// Debian's own kernel under qemu, beside Debian's keepalived. Each test shows its scenario's log.
/// </summary>
[Collection(Lab.LabCollection.Name)]
[Trait("Category", "KernelLab")]
public sealed class KernelLabTests(ITestOutputHelper output)
{
    [KernelLabTheory]
    [MemberData(nameof(KernelLabRun.ScenarioNames), MemberType = typeof(KernelLabRun))]
    public void Scenario_passes_on_a_real_kernel(string scenario)
    {
        var run = KernelLabRun.Current;
        output.WriteLine(run.LogOf(scenario));
        Assert.True(run.Scenarios.TryGetValue(scenario, out var result), $"the VM did not run {scenario}:\n{run.Output}");
        Assert.True(result[1] == "pass", $"{scenario} failed (exit {result[2]} after {result[3]} s); run.sh printed:\n{run.Output}");
    }
}

/// <summary>A [Theory] skipped, with the reason, where the kernel lab cannot run.</summary>
public sealed class KernelLabTheoryAttribute : TheoryAttribute
{
    public KernelLabTheoryAttribute()
    {
        if (KernelLabRun.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
