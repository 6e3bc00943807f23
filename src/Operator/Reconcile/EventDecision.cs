namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// The <see cref="EventCorrelator"/>'s answer: create a new Event, bump the count of the Event named
/// <see cref="ExistingName"/> (first seen at <see cref="FirstSeen"/>), or drop it (the object's rate is spent).
/// </summary>
public sealed record EventDecision(EventDecisionKind Kind, string? ExistingName = null, int Count = 1, DateTimeOffset? FirstSeen = null)
{
    public static EventDecision Create { get; } = new(EventDecisionKind.Create);

    public static EventDecision Drop { get; } = new(EventDecisionKind.Drop);

    public static EventDecision Increment(string name, int count, DateTimeOffset firstSeen) => new(EventDecisionKind.Increment, name, count, firstSeen);
}
