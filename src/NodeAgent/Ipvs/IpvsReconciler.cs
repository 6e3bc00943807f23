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
                throw RepeatedService(server.Key, nameof(desired));
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
            PlanService(want, currentByKey.GetValueOrDefault(want.Key), plan);
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
    /// The same commands as <see cref="Plan(IEnumerable{LoadBalancedService}, IEnumerable{LoadBalancedService}, Func{ServiceKey, bool})"/>
    /// with <paramref name="applied"/> as the current table and every service in it owned, and the table once they
    /// went through; but only what changed is compared: a desired service that is the very object applied at its key
    /// costs one reference comparison, an equal one a comparison of its settings and real servers, and the index is
    /// rebuilt only when keys come, go or move.
    /// </summary>
    /// <param name="applied">A table a plan went through (so each of its services names a real server once).</param>
    /// <exception cref="ArgumentException">The desired table repeats a service key, or a service repeats a real server.</exception>
    public static (IReadOnlyList<IpvsCommand> Commands, IpvsAppliedTable After) Plan(
        IReadOnlyList<LoadBalancedService> desired,
        IpvsAppliedTable applied)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(applied);

        var current = applied.Services;
        var matched = new bool[current.Count];
        var matchedCount = 0;
        var sameKeys = desired.Count == current.Count;
        HashSet<ServiceKey>? added = null;
        var after = new LoadBalancedService[desired.Count];
        var plan = new List<IpvsCommand>();
        for (var i = 0; i < desired.Count; i++)
        {
            var want = desired[i];
            after[i] = want;
            var at = i < current.Count && (ReferenceEquals(want, current[i]) || want.Key == current[i].Key) ? i : applied.PositionOf(want.Key);
            sameKeys &= at == i;
            if (at < 0 ? !(added ??= []).Add(want.Key) : matched[at])
            {
                throw RepeatedService(want.Key, nameof(desired));
            }

            if (at >= 0)
            {
                matched[at] = true;
                matchedCount++;
                if (ReferenceEquals(want, current[at]))
                {
                    continue; // checked when it was applied
                }
            }

            CheckUniqueDestinations(want, nameof(desired));
            PlanService(want, at < 0 ? null : current[at], plan);
        }

        for (var j = 0; matchedCount < current.Count && j < current.Count; j++)
        {
            if (!matched[j])
            {
                plan.Add(new IpvsCommand.DeleteService(current[j].Key));
            }
        }

        return (plan, sameKeys ? applied.WithSameKeys(after) : IpvsAppliedTable.Of(after));
    }

    /// <summary>
    /// Whether <paramref name="current"/> already matches <paramref name="desired"/> for every desired
    /// service and contains no other owned service (the same test as an empty
    /// <see cref="Plan(IEnumerable{LoadBalancedService}, IEnumerable{LoadBalancedService}, Func{ServiceKey, bool})"/>).
    /// </summary>
    public static bool IsConverged(
        IEnumerable<LoadBalancedService> desired,
        IEnumerable<LoadBalancedService> current,
        Func<ServiceKey, bool> owned) => Plan(desired, current, owned).Count == 0;

    private static VirtualService Normalize(VirtualService service) =>
        (service.Flags & ServiceFlags.Hashed) == 0 ? service : service with { Flags = service.Flags & ~ServiceFlags.Hashed };

    /// <summary>
    /// Appends what turns <paramref name="have"/> (null: no such service yet) into <paramref name="want"/>: the service
    /// added or edited, then its new real servers, edited ones, removed ones. Nothing, and no allocation, when they are equal.
    /// </summary>
    private static void PlanService(LoadBalancedService want, LoadBalancedService? have, List<IpvsCommand> plan)
    {
        var key = want.Key;
        var wantService = Normalize(want.Service);
        if (have is null)
        {
            plan.Add(new IpvsCommand.AddService(wantService));
            foreach (var destination in want.Destinations)
            {
                plan.Add(new IpvsCommand.AddDestination(key, destination));
            }

            return;
        }

        if (Normalize(have.Service) != wantService)
        {
            plan.Add(new IpvsCommand.EditService(wantService));
        }

        List<IpvsCommand>? edits = null;
        foreach (var destination in want.Destinations)
        {
            var existing = IndexOfServer(have.Destinations, destination, have.Destinations.Count);
            if (existing < 0)
            {
                plan.Add(new IpvsCommand.AddDestination(key, destination));
            }
            else if (have.Destinations[existing] != destination)
            {
                (edits ??= []).Add(new IpvsCommand.EditDestination(key, destination));
            }
        }

        if (edits is not null)
        {
            plan.AddRange(edits);
        }

        for (var i = 0; i < have.Destinations.Count; i++)
        {
            // A real server the current table repeats is removed once.
            var destination = have.Destinations[i];
            if (IndexOfServer(want.Destinations, destination, want.Destinations.Count) < 0 && IndexOfServer(have.Destinations, destination, i) < 0)
            {
                plan.Add(new IpvsCommand.DeleteDestination(key, destination.Address, destination.Port));
            }
        }
    }

    /// <summary>The first of the first <paramref name="count"/> destinations that names the same real server, or -1.</summary>
    private static int IndexOfServer(IReadOnlyList<ServiceDestination> destinations, ServiceDestination server, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (destinations[i].SameServerAs(server))
            {
                return i;
            }
        }

        return -1;
    }

    private static ArgumentException RepeatedService(ServiceKey key, string parameter) =>
        new($"Desired IPVS table lists service {key} twice.", parameter);

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
