namespace KeepOperator.Operator.Convert;

/// <summary>
/// One statement of a keepalived configuration: its keyword, the words after it, and its <c>{ }</c> block if it has
/// one. Value blocks (<c>virtual_ipaddress { 10.0.0.1 dev eth0 }</c>) are statements too, keyed by their first word.
/// </summary>
public sealed record ConfigNode(string Keyword, IReadOnlyList<string> Args, IReadOnlyList<ConfigNode>? Children, SourceLocation Location)
{
    public IReadOnlyList<ConfigNode> Block => Children ?? [];
}
