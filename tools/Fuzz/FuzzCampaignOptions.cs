namespace KeepOperator.Fuzz;

/// <summary>The bounds of one campaign; it stops at whichever of <see cref="MaxInputs"/> and <see cref="Duration"/> comes first.</summary>
public sealed record FuzzCampaignOptions
{
    /// <summary>Seeds the mutator: the same seed, seeds and count replay the same inputs.</summary>
    public int RandomSeed { get; init; } = 1;

    public int MaxInputs { get; init; } = 10_000;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>An input still running after this is a hang: the campaign reports it and stops.</summary>
    public TimeSpan InputTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The first input's bound instead: it pays for loading and compiling the code under test (the converter's YAML
    /// stack takes seconds on a busy machine).
    /// </summary>
    public TimeSpan WarmUpTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxInputLength { get; init; } = 16 * 1024;

    /// <summary>The campaign stops after this many crashing inputs (they are usually one bug).</summary>
    public int MaxCrashes { get; init; } = 10;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
