namespace KeepOperator.NodeAgent.ServiceModel;

/// <summary>
/// A virtual service together with its real servers. Equality compares the service and the
/// real servers as a set (order does not matter to IPVS, and the kernel dumps in hash order).
/// </summary>
public sealed record LoadBalancedService(VirtualService Service, IReadOnlyList<ServiceDestination> Destinations)
{
    public LoadBalancedService(VirtualService service, params ServiceDestination[] destinations)
        : this(service, (IReadOnlyList<ServiceDestination>)destinations)
    {
    }

    public ServiceKey Key => Service.Key;

    public override string ToString() =>
        $"{Service} with [{string.Join(", ", Destinations.Select(d => d.ToString()))}]";

    public bool Equals(LoadBalancedService? other)
    {
        if (other is null)
        {
            return false;
        }
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (Service != other.Service || Destinations.Count != other.Destinations.Count)
        {
            return false;
        }
        var remaining = new List<ServiceDestination>(other.Destinations);
        foreach (var destination in Destinations)
        {
            int index = remaining.IndexOf(destination);
            if (index < 0)
            {
                return false;
            }
            remaining.RemoveAt(index);
        }
        return true;
    }

    public override int GetHashCode()
    {
        // Order-independent: sum of the destinations' hashes.
        int sum = 0;
        foreach (var destination in Destinations)
        {
            sum = unchecked(sum + destination.GetHashCode());
        }
        return HashCode.Combine(Service, Destinations.Count, sum);
    }
}
