namespace KeepOperator.Operator.Reconcile;

/// <summary>How informers key an object: "namespace/name" for namespaced kinds, the name alone for cluster-scoped ones.</summary>
public static class ObjectKey
{
    public static string Of(string? ns, string? name) => string.IsNullOrEmpty(ns) ? name ?? "" : $"{ns}/{name}";
}
