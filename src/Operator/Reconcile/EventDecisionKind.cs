namespace KeepOperator.Operator.Reconcile;

public enum EventDecisionKind
{
    Create,
    Increment,
    Drop,
}
