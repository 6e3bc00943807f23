namespace KeepOperator.Fuzz;

/// <summary>An input that crashed (the exception) or hung (the time it was given) a target.</summary>
public sealed record FuzzFinding(byte[] Input, string Error)
{
    public override string ToString() => $"{Error}\n  input ({Input.Length} bytes): {Convert.ToHexString(Input.AsSpan(0, Math.Min(Input.Length, 512)))}";
}
