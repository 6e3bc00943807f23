namespace KeepOperator.Lab.Tests.Lab;

/// <summary>One namespace of a lab with its eth0 on the lab's bridge.</summary>
/// <param name="Name">Short name: n1, n2, ... or client; the agent's --node-name.</param>
/// <param name="Namespace">The network namespace's (unique) name.</param>
public sealed record LabNode(string Name, string Namespace, string IPv4, string IPv6, string Mac)
{
    public override string ToString() => $"{Name} ({Namespace}, {IPv4}, {Mac})";
}
