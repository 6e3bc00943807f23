using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Ipvs;

/// <summary>
/// Pure diff between the desired IPVS table and the kernel's (a dump): the shortest ordered list of
/// commands that turns the current table into the desired one.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>A service is identified by its <see cref="ServiceKey"/>, a real server by address and
/// port within its service; every other setting is edited in place (SET_SERVICE / SET_DEST), never by
/// deleting and re-creating.</item>
/// <item>Order: services in desired order, each as add-or-edit, then its new real servers, edited
/// ones, removed ones (new capacity comes up before old goes away); finally the deletion of current
/// services that are not desired and that <c>owned</c> claims, in current order. A deleted service
/// takes its real servers with it, so they get no commands of their own.</item>
/// <item>A desired service is managed whole, whoever created it: real servers missing from the
/// desired set are removed. A current service that is not desired and not owned gets no command.</item>
/// <item>The kernel-internal <see cref="ServiceFlags.Hashed"/> flag is ignored on both sides.</item>
/// </list>
/// </remarks>
public static class IpvsReconciler
{
    /// <exception cref="ArgumentException">The desired table repeats a service key, or a service repeats a real server.</exception>
    public static IReadOnlyList<IpvsCommand> Plan(
        IEnumerable<LoadBalancedService> desired,
        IEnumerable<LoadBalancedService> current,
        Func<ServiceKey, bool> owned)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(owned);

        var desiredList = desired.ToList();
        var desiredKeys = new HashSet<ServiceKey>();
        foreach (var server in desiredList)
        {
            if (!desiredKeys.Add(server.Key))
            {
                throw new ArgumentException($"Desired IPVS table lists service {server.Key} twice.", nameof(desired));
            }
            CheckUniqueDestinations(server, nameof(desired));
        }

        var currentList = current.ToList();
        var currentByKey = new Dictionary<ServiceKey, LoadBalancedService>();
        foreach (var server in currentList)
        {
            // A dump never repeats a service; if one did, the first entry wins.
            currentByKey.TryAdd(server.Key, server);
        }

        var plan = new List<IpvsCommand>();
        foreach (var want in desiredList)
        {
            var key = want.Key;
            var wantService = Normalize(want.Service);
            if (!currentByKey.TryGetValue(key, out var have))
            {
                plan.Add(new IpvsCommand.AddService(wantService));
                foreach (var destination in want.Destinations)
                {
                    plan.Add(new IpvsCommand.AddDestination(key, destination));
                }
                continue;
            }

            if (Normalize(have.Service) != wantService)
            {
                plan.Add(new IpvsCommand.EditService(wantService));
            }

            var edits = new List<IpvsCommand>();
            foreach (var destination in want.Destinations)
            {
                var existing = have.Destinations.FirstOrDefault(d => d.SameServerAs(destination));
                if (existing is null)
                {
                    plan.Add(new IpvsCommand.AddDestination(key, destination));
                }
                else if (existing != destination)
                {
                    edits.Add(new IpvsCommand.EditDestination(key, destination));
                }
            }
            plan.AddRange(edits);
            var removed = new HashSet<(System.Net.IPAddress, ushort)>();
            foreach (var destination in have.Destinations)
            {
                if (!want.Destinations.Any(d => d.SameServerAs(destination)) && removed.Add((destination.Address, destination.Port)))
                {
                    plan.Add(new IpvsCommand.DeleteDestination(key, destination.Address, destination.Port));
                }
            }
        }

        var deleted = new HashSet<ServiceKey>();
        foreach (var have in currentList)
        {
            if (!desiredKeys.Contains(have.Key) && owned(have.Key) && deleted.Add(have.Key))
            {
                plan.Add(new IpvsCommand.DeleteService(have.Key));
            }
        }
        return plan;
    }

    /// <summary>
    /// Whether <paramref name="current"/> already matches <paramref name="desired"/> for every desired
    /// service and contains no other owned service (the same test as an empty <see cref="Plan"/>).
    /// </summary>
    public static bool IsConverged(
        IEnumerable<LoadBalancedService> desired,
        IEnumerable<LoadBalancedService> current,
        Func<ServiceKey, bool> owned) => Plan(desired, current, owned).Count == 0;

    private static VirtualService Normalize(VirtualService service) =>
        (service.Flags & ServiceFlags.Hashed) == 0 ? service : service with { Flags = service.Flags & ~ServiceFlags.Hashed };

    private static void CheckUniqueDestinations(LoadBalancedService server, string parameter)
    {
        var seen = new HashSet<(System.Net.IPAddress, ushort)>();
        foreach (var destination in server.Destinations)
        {
            if (!seen.Add((destination.Address, destination.Port)))
            {
                throw new ArgumentException(
                    $"Service {server.Key} lists real server {destination.Address} port {destination.Port} twice.", parameter);
            }
        }
    }
}
