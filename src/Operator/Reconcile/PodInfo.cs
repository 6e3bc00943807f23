namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// What a pods track reads from a Pod: where it is, its labels, the node it was scheduled to (null while pending),
/// its Ready condition, and whether it is being deleted (a terminating pod may still report Ready until its
/// containers stop, but it is on its way out).
/// </summary>
public sealed record PodInfo(string Namespace, IReadOnlyDictionary<string, string> Labels, string? NodeName, bool Ready, bool Terminating);
