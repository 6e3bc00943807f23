using Xunit;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>A lab fact that also needs what the virtual-server scenarios run: nft, curl and python3.</summary>
public sealed class VirtualServerLabFactAttribute : FactAttribute
{
    public VirtualServerLabFactAttribute()
    {
        Skip = LabRequirements.SkipReason
            ?? new[] { "nft", "curl", "python3" }.Where(t => Sh.Which(t) is null).Select(t => $"{t} is not installed").FirstOrDefault();
    }
}
