using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Ipvs;

/// <summary>
/// The IPVS table an agent applied last, in its order and indexed by service key, for
/// <see cref="IpvsReconciler.Plan(IReadOnlyList{LoadBalancedService}, IpvsAppliedTable)"/>. Every service in it is the
/// agent's own. Immutable: a table whose keys stay where they were shares its index with the next one.
/// </summary>
public sealed class IpvsAppliedTable
{
    private readonly LoadBalancedService[] _services;
    private readonly Dictionary<ServiceKey, int> _positions;

    private IpvsAppliedTable(LoadBalancedService[] services, Dictionary<ServiceKey, int> positions)
    {
        _services = services;
        _positions = positions;
    }

    public static IpvsAppliedTable Empty { get; } = new([], []);

    /// <summary>The services, in the order they were applied.</summary>
    public IReadOnlyList<LoadBalancedService> Services => _services;

    /// <exception cref="ArgumentException">The table repeats a service key.</exception>
    public static IpvsAppliedTable Of(IEnumerable<LoadBalancedService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var array = services.ToArray();
        var positions = new Dictionary<ServiceKey, int>(array.Length);
        for (var i = 0; i < array.Length; i++)
        {
            if (!positions.TryAdd(array[i].Key, i))
            {
                throw new ArgumentException($"The IPVS table lists service {array[i].Key} twice.", nameof(services));
            }
        }

        return new IpvsAppliedTable(array, positions);
    }

    /// <summary>Where <paramref name="key"/>'s service is in <see cref="Services"/>, or -1.</summary>
    public int PositionOf(ServiceKey key) => _positions.TryGetValue(key, out var position) ? position : -1;

    /// <summary>
    /// This table with other services under the same keys at the same positions (the caller's promise), sharing the
    /// index.
    /// </summary>
    internal IpvsAppliedTable WithSameKeys(LoadBalancedService[] services) => new(services, _positions);
}
