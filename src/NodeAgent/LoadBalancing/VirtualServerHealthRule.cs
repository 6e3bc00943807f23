using System.Net;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>
/// Pure: keepalived's rule from real-server health to the dataplane. While the healthy weight holds the quorum, healthy
/// real servers carry their weight and a failed one is removed (or, with inhibitOnFailure, kept at weight 0 so its
/// established connections live on). Below the quorum the service has only the sorry server, if any (inhibited real
/// servers stay at weight 0). The quorum (default 1, so "no healthy real server" is below it) has hysteresis: once up it
/// goes down when the healthy weight drops below minimum - hysteresis; once down it comes up at minimum + hysteresis.
/// </summary>
public static class VirtualServerHealthRule
{
    /// <param name="healthy">Per configured real server (same order as the definition's): whether it is healthy now.</param>
    /// <param name="quorumWasUp">The previous decision's state; null for the first decision, which uses the plain minimum.</param>
    public static VirtualServerDecision Decide(VirtualServerDefinition definition, IReadOnlyList<bool> healthy, bool? quorumWasUp)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(healthy);
        var servers = definition.Server.RealServers;
        if (healthy.Count != servers.Count)
        {
            throw new ArgumentException($"{healthy.Count} health values for {servers.Count} real servers.", nameof(healthy));
        }

        long healthyWeight = 0;
        for (var i = 0; i < servers.Count; i++)
        {
            healthyWeight += healthy[i] ? servers[i].Weight : 0;
        }

        bool quorumUp = QuorumUp(healthyWeight, definition.Server.Quorum.Minimum, definition.Server.Quorum.Hysteresis, quorumWasUp);
        var weights = new int?[servers.Count];
        var destinations = new List<ServiceDestination>(servers.Count + 1);
        var added = new HashSet<(IPAddress, int)>(servers.Count); // one entry per endpoint, found in O(1)
        var sorry = quorumUp ? null : definition.Server.SorryServer;
        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            int? weight = quorumUp && healthy[i] ? server.Weight : definition.Server.InhibitOnFailure ? 0 : null;
            // The sorry server may be one of the real servers: then its entry is the sorry server's.
            bool isSorry = sorry is not null && sorry.Address.Equals(server.Address) && sorry.Port == server.Port;
            if (weight is { } w && !isSorry && added.Add((server.Address, server.Port)))
            {
                destinations.Add(definition.Destination(server, w));
                weights[i] = w;
            }
        }

        if (sorry is not null)
        {
            destinations.Add(definition.Destination(sorry, sorry.Weight));
        }

        return new VirtualServerDecision(new LoadBalancedService(definition.Service, destinations), quorumUp, weights, sorry is not null);
    }

    /// <summary>keepalived's update_quorum_state: hysteresis around the minimum once there is a previous state.</summary>
    public static bool QuorumUp(long healthyWeight, int minimum, int hysteresis, bool? wasUp) => wasUp switch
    {
        null => healthyWeight >= minimum,
        true => healthyWeight >= (long)minimum - hysteresis,
        false => healthyWeight >= (long)minimum + hysteresis,
    };
}
