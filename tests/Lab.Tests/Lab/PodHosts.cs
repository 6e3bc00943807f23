namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// Two 'pod' hosts on the bridge (pod1 10.77.0.21, pod2 10.77.0.22), the nodes forwarding as NAT virtual servers need,
/// and a NAT VirtualServer "web-80" on VirtualIp "web" balancing over their web servers on port 80.
/// </summary>
public static class PodHosts
{
    public const string WebVirtualServerYaml = """
        apiVersion: keepoperator.io/v1alpha1
        kind: VirtualServer
        metadata:
          name: web-80
        spec:
          virtualIpRef: web
          port: 80
          scheduler: rr
          forwarding: NAT
          realServers: [{address: 10.77.0.21}, {address: 10.77.0.22}]
          healthCheck: {interval: 1s, tcp: {connectTimeout: 1s}}
        """;

    /// <summary>Adds the two hosts and turns forwarding on in every node; returns the hosts.</summary>
    public static IReadOnlyList<LabNode> Add(LabNetwork lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        foreach (var node in lab.Nodes)
        {
            Sh.Check("ip", "netns", "exec", node.Namespace, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        }

        return [lab.AddHost("pod1", 21), lab.AddHost("pod2", 22)];
    }

    /// <summary>The two hosts, each with a web server on port 80 answering with its name.</summary>
    public static IReadOnlyList<LabNode> AddWithWebServers(LabNetwork lab)
    {
        var pods = Add(lab);
        foreach (var pod in pods)
        {
            LabWebServer.Start(lab, pod, pod.IPv4, 80);
        }

        return pods;
    }
}
