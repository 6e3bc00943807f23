using KeepOperator.Api;
using KeepOperator.Api.Instances;
using KeepOperator.Api.Vocabulary;

namespace KeepOperator.Operator.Reconcile;

/// <summary>
/// spec.track[].pods, the Kubernetes form of keepalived's vrrp_script (the seed's chk_http_port, weight -20): the track
/// fails on a node while no Ready, non-terminating pod matching its namespace and selector runs on that node.
/// keepalived's weight rule, as the agent applies it to tcp and http tracks: a negative weight is subtracted while the
/// track fails, a positive one added while it passes, and a failing weight-0 track puts the node in FAULT: the node
/// is given no instance, so its agent releases the VIP as keepalived does on FAULT. Readiness already has its own
/// probe timing, so interval, timeout, rise and fall do not apply here.
/// </summary>
public static class PodTrackRule
{
    /// <summary>Where pods.namespace points when absent (VirtualIps are cluster-scoped; kubectl's default namespace).</summary>
    public const string DefaultNamespace = "default";

    /// <summary>Each eligible node's priority after its pods tracks, clamped to 1..254, and who is in FAULT.</summary>
    public static PodTrackDecision Decide(VirtualIp vip, IReadOnlyList<NodeInfo> eligible, ReadyPodIndex readyPods)
    {
        var tracks = PodTracks(vip).Select(t => (t.Check, t.Pods, ReadyOn: readyPods.NodesWith(NamespaceOf(t.Pods), t.Pods.Selector))).ToList();
        var priorities = new Dictionary<string, int>(StringComparer.Ordinal);
        var faulted = new List<string>();
        var failures = new List<(string Node, string Failing)>();
        foreach (var node in eligible)
        {
            var priority = VirtualIpResolver.PriorityFor(vip.Spec, node.Name);
            var fault = false;
            var failing = new List<string>();
            foreach (var (check, pods, readyOn) in tracks)
            {
                var weight = check.Weight ?? VirtualIpDefaults.TrackWeight;
                if (readyOn.Contains(node.Name))
                {
                    priority += Math.Max(weight, 0);
                    continue;
                }

                priority += Math.Min(weight, 0);
                fault |= weight == 0;
                failing.Add($"no Ready pod matching {LabelMatch.Describe(pods.Selector)} in {NamespaceOf(pods)} ({Effect(weight)})");
            }

            if (failing.Count > 0)
            {
                failures.Add((node.Name, string.Join(", ", failing)));
            }

            if (fault)
            {
                faulted.Add(node.Name);
            }
            else
            {
                priorities[node.Name] = Math.Clamp(priority, MaintenanceRules.MinPriority, MaintenanceRules.MaxPriority);
            }
        }

        PlannedCondition? condition = tracks.Count == 0 ? null
            : failures.Count == 0 ? new(ConditionTypes.TrackFailing, false, VirtualIpReasons.PodsReady, "every node has a Ready pod for each pods track")
            : new(ConditionTypes.TrackFailing, true, VirtualIpReasons.NoReadyPod, Summary(failures));
        return new PodTrackDecision(priorities, faulted, condition);
    }

    /// <summary>Whether the pod can move any of the VirtualIp's pods tracks (so a change of it needs a new plan).</summary>
    public static bool Concerns(VirtualIp vip, PodInfo pod) =>
        PodTracks(vip).Any(t => NamespaceOf(t.Pods) == pod.Namespace && LabelMatch.Matches(t.Pods.Selector, pod.Labels));

    /// <summary>Nodes failing the same way share one line ("n2, n3: ..."), so the message stays short on a large cluster.</summary>
    private static string Summary(List<(string Node, string Failing)> failures) =>
        string.Join("; ", failures.GroupBy(f => f.Failing, StringComparer.Ordinal).Select(g => $"{string.Join(", ", g.Select(f => f.Node))}: {g.Key}"));

    private static IEnumerable<(TrackCheck Check, PodsCheck Pods)> PodTracks(VirtualIp vip) =>
        (vip.Spec.Track ?? []).Where(t => t.Pods is not null).Select(t => (t, t.Pods!));

    private static string NamespaceOf(PodsCheck pods) => pods.Namespace ?? DefaultNamespace;

    private static string Effect(int weight) => weight switch
    {
        < 0 => weight.ToString(System.Globalization.CultureInfo.InvariantCulture),
        0 => "FAULT",
        _ => $"+{weight} not added",
    };
}
