namespace KeepOperator.Fuzz;

/// <summary>The code under test returned, but broke a promise it makes (e.g. a decoded packet's length disagrees with the input's).</summary>
public sealed class FuzzInvariantException(string message) : Exception(message);
