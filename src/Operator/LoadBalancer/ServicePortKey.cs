namespace KeepOperator.Operator.LoadBalancer;

/// <summary>One port a Service listens on: two Services sharing an address must not both use one.</summary>
public readonly record struct ServicePortKey(string Protocol, int Port)
{
    public override string ToString() => $"{Port}/{Protocol}";
}
