namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>The result of one <see cref="VrrpStateMachine.Handle"/>: the new state and the actions to run, in order.</summary>
public readonly record struct VrrpStep(VrrpInstanceState State, IReadOnlyList<VrrpAction> Actions);
