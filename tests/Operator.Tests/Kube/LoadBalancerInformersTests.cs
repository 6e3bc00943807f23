using k8s;
using k8s.Models;
using KeepOperator.Api;
using KeepOperator.Api.Kube;
using KeepOperator.Api.Logging;
using KeepOperator.Operator.Kube;
using Xunit;

namespace KeepOperator.Operator.Tests.Kube;

/// <summary>
/// Which changes move the load-balancer plan: where a Local Service's ready endpoints run; of a VirtualIp, its spec, labels
/// and master, not the status the agents keep rewriting.
/// </summary>
public sealed class LoadBalancerInformersTests
{
    private static int resourceVersion;

    private static V1Service Service(string name, string policy) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", ResourceVersion = Next() },
        Spec = new V1ServiceSpec { Type = "LoadBalancer", ExternalTrafficPolicy = policy },
    };

    private static V1EndpointSlice Slice(string service, params (string Address, string Node, bool Ready)[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta { Name = service + "-1", NamespaceProperty = "default", ResourceVersion = Next(), Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
        Endpoints = [.. endpoints.Select(e => new V1Endpoint { Addresses = [e.Address], NodeName = e.Node, Conditions = new V1EndpointConditions { Ready = e.Ready } })],
    };

    private static string Next() => Interlocked.Increment(ref resourceVersion).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static LoadBalancerInformers Informers(out Informer<V1Service> services, out Informer<V1EndpointSlice> slices, out Informer<VirtualIp> virtualIps)
    {
        var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:9" }); // never called: nothing runs
        var log = new StructuredLog(TextWriter.Null, TimeProvider.System);
        Informer<T> Cache<T>(IListWatchSource<T> source)
            where T : class => new(source, log, TimeProvider.System, TimeSpan.FromMinutes(1));
        services = Cache(BuiltinSources.Services(client));
        slices = Cache(BuiltinSources.EndpointSlices(client));
        virtualIps = Cache(new CustomObjectSource<VirtualIp>(client, VirtualIp.Plural, ApiJsonContext.Default.VirtualIp, v => v.Metadata));
        return new LoadBalancerInformers(client, services, slices, virtualIps,
            Cache(new CustomObjectSource<VirtualServer>(client, VirtualServer.Plural, ApiJsonContext.Default.VirtualServer, v => v.Metadata)), log, TimeProvider.System, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void A_VirtualIps_spec_and_master_move_the_plan_and_the_rest_of_its_status_does_not()
    {
        var informers = Informers(out _, out _, out var virtualIps);
        var changes = 0;
        informers.Changed += () => changes++;
        VirtualIp Vip(string? master, string backups, string address = "192.0.2.10") => new()
        {
            Metadata = new ObjectMeta { Name = "lb-192-0-2-10", ResourceVersion = Next() },
            Spec = new VirtualIpSpec { Addresses = [address] },
            Status = new VirtualIpStatus { Master = master, Backups = [backups] },
        };

        virtualIps.Remember(Vip(null, "n1"));
        Assert.Equal(1, changes);
        virtualIps.Remember(Vip(null, "n2")); // an agent's report: nothing the plan reads
        Assert.Equal(1, changes);
        virtualIps.Remember(Vip("n1", "n2"));
        Assert.Equal(2, changes);
        virtualIps.Remember(Vip("n1", "n2", "192.0.2.11"));
        Assert.Equal(3, changes);
    }

    [Fact]
    public void Only_a_Local_Services_endpoints_are_read_and_only_their_moving_between_nodes_or_readiness_is_a_change()
    {
        var informers = Informers(out var services, out var slices, out _);
        services.Remember(Service("local", "Local"));
        services.Remember(Service("cluster", "Cluster"));
        var changes = 0;
        informers.Changed += () => changes++;

        slices.Remember(Slice("local", ("10.1.0.1", "n2", true)));
        Assert.Equal(1, changes);
        slices.Remember(Slice("local", ("10.1.0.9", "n2", true))); // a new pod address on the same node: who may hold it is the same
        Assert.Equal(1, changes);
        slices.Remember(Slice("local", ("10.1.0.9", "n2", false), ("10.1.0.2", "n1", true)));
        Assert.Equal(2, changes);
        slices.Remember(Slice("cluster", ("10.1.0.3", "n1", true)));
        slices.Remember(Slice("cluster", ("10.1.0.3", "n1", false)));
        Assert.Equal(2, changes); // any node may hold a Cluster Service's address
        Assert.Equal(["default/local", "default/local"], informers.Endpoints().Select(e => e.Service)); // only a Local Service's are read
    }
}
