namespace KeepOperator.Fuzz;

/// <summary>Outcome labels shared by every target; rejections are labelled by the target's own reasons.</summary>
public static class FuzzOutcome
{
    public const string Accepted = "Accepted";

    /// <summary>Thrown by a target when the code under test broke one of its promises (a wrong answer rather than an exception of its own).</summary>
    public static void Require(bool condition, string promise)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(promise);
        }
    }
}
