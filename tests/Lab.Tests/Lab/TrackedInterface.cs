namespace KeepOperator.Lab.Tests.Lab;

/// <summary>A tracked interface of the node and its weight (0: down means FAULT; negative: subtracted while down).</summary>
public sealed record TrackedInterface(string Name, int Weight);
