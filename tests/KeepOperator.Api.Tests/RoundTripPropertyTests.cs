using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using KeepOperator.Api.Manifests;
using Xunit;

namespace KeepOperator.Api.Tests;

/// <summary>Random valid VirtualIps survive object -> YAML text -> ManifestReader unchanged.</summary>
public class RoundTripPropertyTests
{
    private static readonly string[] TrickyPieces =
    [
        "true", "False", "null", "~", "123", "-7", "0x1F", "0o17", "1.5", ".inf", "yes", "on", "", " ", "a: b", "#c", " #", "- x", "-", "---", "...",
        "'", "\"", "\\", "\n", "\t", "é", "日本", "@", "*a", "&a", "!tag", "%", "{", "}", "[", "]", ",", "?", "|", ">", "\u0001", "web", "x y",
    ];

    private static Gen<string> Tricky =>
        Gen.Choose(0, 4).SelectMany(n => Gen.Elements(TrickyPieces).ArrayOf(n)).Select(parts => string.Concat(parts));

    private static Gen<string> DnsLabel =>
        Gen.Elements("a", "web", "api-1", "n1", "db", "x9", "node-a", "0").SelectMany(prefix => Gen.Choose(0, 999).Select(n => $"{prefix}{n}"));

    private static Gen<T?> OrNull<T>(Gen<T> gen)
        where T : class =>
        Gen.Frequency((1, Gen.Constant<T?>(null)), (2, gen.Select(v => (T?)v)));

    private static Gen<int?> OrNullInt(Gen<int> gen) =>
        Gen.Frequency((1, Gen.Constant<int?>(null)), (2, gen.Select(v => (int?)v)));

    private static Gen<bool?> OrNullBool() => Gen.Elements<bool?>(null, true, false);

    private static Gen<Dictionary<string, string>> Map(Gen<string> keys, Gen<string> values) =>
        Gen.Choose(0, 3).SelectMany(n => Gen.Zip(keys.Where(k => k.Length > 0), values).ArrayOf(n))
            .Select(pairs =>
            {
                var map = new Dictionary<string, string>();
                foreach (var (k, v) in pairs)
                {
                    map.TryAdd(k, v);
                }

                return map;
            });

    private static Gen<string> Address(bool v6) =>
        from a in Gen.Choose(1, 223).Where(x => x != 127)
        from b in Gen.Choose(0, 255)
        from c in Gen.Choose(0, 65535)
        from d in Gen.Choose(1, 254)
        from prefix in Gen.Elements<int?>(null, 8, 24, 32, 64)
        let ip = v6 ? $"2001:db8:{a:x}:{b:x}::{c:x}" : $"{a}.{b}.{c % 256}.{d}"
        select prefix is null || (!v6 && prefix > 32) ? ip : $"{ip}/{prefix}";

    private static Gen<string?> Duration(int minMs, int maxMs, int stepMs) =>
        OrNull(Gen.Choose(minMs / stepMs, maxMs / stepMs).Select(n => GoDuration.Format(TimeSpan.FromMilliseconds(n * stepMs))));

    private static Gen<TrackCheck> Track(string name) =>
        from kind in Gen.Choose(0, 2)
        from port in Gen.Choose(1, 65535)
        from host in OrNull(Gen.Elements("127.0.0.1", "::1", "localhost", "db.example"))
        from status in OrNull(Gen.Elements("200-299", "200", "200-204,301"))
        from labels in Map(DnsLabel, DnsLabel).Where(m => m.Count > 0)
        from weight in OrNullInt(Gen.Choose(-254, 254))
        from interval in Duration(100, 60_000, 100)
        from timeout in Duration(100, 10_000, 100)
        from rise in OrNullInt(Gen.Choose(1, 10))
        from fall in OrNullInt(Gen.Choose(1, 10))
        select new TrackCheck
        {
            Name = name,
            Tcp = kind == 0 ? new TcpCheck { Host = host, Port = port } : null,
            Http = kind == 1 ? new HttpCheck { Url = $"http://127.0.0.1:{port}/healthz?x=1", ExpectedStatus = status } : null,
            Pods = kind == 2 ? new PodsCheck { Namespace = "web", Selector = new LabelSelector { MatchLabels = labels } } : null,
            Weight = weight,
            Interval = interval,
            Timeout = timeout,
            Rise = rise,
            Fall = fall,
        };

    private static Gen<VirtualIp> ValidVirtualIp =>
        from name in DnsLabel
        from ns in OrNull(DnsLabel)
        from labels in OrNull(Map(Tricky, Tricky))
        from annotations in OrNull(Map(Tricky, Tricky))
        from uid in OrNull(Gen.Fresh(() => Guid.NewGuid().ToString()))
        from resourceVersion in OrNull(Gen.Choose(1, 1_000_000).Select(n => n.ToString(CultureInfo.InvariantCulture)))
        from generation in Gen.Elements<long?>(null, 1, 42, 9_000_000_000)
        from created in Gen.Elements<DateTimeOffset?>(null, new DateTimeOffset(2024, 5, 1, 12, 30, 15, TimeSpan.Zero))
        from v6 in Gen.Elements(false, true)
        from version in v6 ? Gen.Constant<int?>(3) : Gen.Elements<int?>(null, 2, 3)
        from addressCount in Gen.Choose(1, 3)
        from addresses in Address(v6).ArrayOf(addressCount)
        from iface in OrNull(Gen.Elements("eth0", "ens3", "bond0.100"))
        from vrid in OrNullInt(Gen.Choose(1, 255))
        from advert in (version ?? 2) == 2 ? Duration(1000, 255_000, 1000) : Duration(10, 40_950, 10)
        from preempt in OrNullBool()
        from preemptDelay in Duration(0, 1_000_000, 1000)
        from useAuth in Gen.Choose(0, 2)
        from password in Gen.Elements("lll", "1234", "true", "p w", "12345678", "~")
        from nodeCount in Gen.Choose(0, 4)
        from nodePriorities in Gen.Choose(1, 254).ArrayOf(nodeCount)
        from defaultPriority in OrNullInt(Gen.Choose(1, 254))
        from nodeSelector in OrNull(Map(Gen.Elements("kubernetes.io/os", "role", "zone"), Tricky))
        from nodeNames in Gen.Elements<List<string>?>(null, [], ["n1", "true", "0"])
        from trackCount in Gen.Choose(0, 3)
        from track in Gen.CollectToList(Enumerable.Range(0, trackCount).Select(i => Track($"check-{i}")))
        from garp in OrNull(
            from repeat in OrNullInt(Gen.Choose(0, 255))
            from delay in Duration(0, 60_000, 1000)
            from refresh in Duration(0, 600_000, 1000)
            select new GratuitousArp { Repeat = repeat, Delay = delay, RefreshInterval = refresh })
        from status in OrNull(
            from master in Tricky
            from observed in Gen.Elements<long?>(null, 3)
            select new VirtualIpStatus
            {
                VirtualRouterId = 7,
                Master = master,
                Backups = ["n2", "true"],
                Nodes = [new VirtualIpNodeStatus { Name = "n1", State = "Master", Priority = 100, EffectivePriority = 90, LastTransitionTime = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero) }],
                Conditions = [new Condition { Type = "Ready", Status = "True", ObservedGeneration = observed, LastTransitionTime = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), Reason = "Elected", Message = master }],
                ObservedGeneration = observed,
            })
        select new VirtualIp
        {
            Metadata = new ObjectMeta
            {
                Name = name,
                Namespace = ns,
                Labels = labels,
                Annotations = annotations,
                Uid = uid,
                ResourceVersion = resourceVersion,
                Generation = generation,
                CreationTimestamp = created,
            },
            Spec = new VirtualIpSpec
            {
                Addresses = addresses.Distinct().ToList(),
                Interface = iface,
                VirtualRouterId = vrid,
                VrrpVersion = version,
                AdvertInterval = advert,
                Preempt = preempt,
                PreemptDelay = preemptDelay,
                Authentication = (version ?? 2) != 2 || useAuth == 0 ? null
                    : useAuth == 1 ? new VrrpAuthentication { Password = password }
                    : new VrrpAuthentication { PasswordSecretRef = new SecretKeySelector { Name = "vrrp", Key = "password", Namespace = ns } },
                Priorities = nodeCount == 0 ? null : nodePriorities.Select((p, i) => new NodePriority { NodeName = $"node-{i}", Priority = p }).ToList(),
                DefaultPriority = defaultPriority,
                NodeSelector = nodeSelector,
                NodeNames = nodeNames,
                Track = trackCount == 0 ? null : track,
                GratuitousArp = garp,
            },
            Status = status,
        };

    [Fact]
    public void Generated_specs_are_valid()
    {
        foreach (var vip in ValidVirtualIp.Sample(200))
        {
            Assert.Empty(VirtualIpValidator.Validate(vip, ValidationMode.Cluster));
        }
    }

    [Fact]
    public void Valid_specs_round_trip_through_yaml()
    {
        Prop.ForAll(ValidVirtualIp.ToArbitrary(), vip =>
        {
            var yaml = ManifestWriter.Write([vip]);
            var read = ManifestReader.Read(yaml, "generated.yaml", ValidationMode.Cluster);
            var back = Assert.IsType<VirtualIp>(Assert.Single(read).Object);
            return ManifestReaderTests.Json(back) == ManifestReaderTests.Json(vip);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void Several_documents_round_trip_in_one_stream()
    {
        var vips = ValidVirtualIp.Sample(20).Select((v, i) => { v.Metadata.Name = $"vip-{i}"; return v; }).ToList();
        var yaml = ManifestWriter.Write(vips);
        var read = ManifestReader.Read(yaml, "many.yaml");
        Assert.Equal(vips.Select(ManifestReaderTests.Json), read.Select(d => ManifestReaderTests.Json((VirtualIp)d.Object)));
        Assert.Equal(Enumerable.Range(1, 20), read.Select(d => d.Document));
    }
}

public class ManifestWriterTests
{
    [Theory]
    [InlineData("true")]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("N")]
    [InlineData("123")]
    [InlineData("0777")]
    [InlineData("1_000")]
    [InlineData("1.5")]
    [InlineData("1:30")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("")]
    [InlineData(" padded ")]
    public void Quotes_strings_that_yaml_readers_would_take_for_something_else(string value)
    {
        var vip = Samples.Web();
        vip.Metadata.Labels = new() { ["k"] = value };
        var yaml = ManifestWriter.Write([vip]);
        Assert.Contains("k: \"", yaml, StringComparison.Ordinal);
        var back = (VirtualIp)ManifestReader.Read(yaml, "w.yaml").Single().Object;
        Assert.Equal(value, back.Metadata.Labels!["k"]);
    }

    [Fact]
    public void Leaves_addresses_and_durations_plain()
    {
        var yaml = ManifestWriter.Write([Samples.Web()]);
        Assert.Contains("- 10.77.0.250\n", yaml, StringComparison.Ordinal);
        Assert.Contains("advertInterval: 1s\n", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("...", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Separates_documents_with_dashes()
    {
        var other = Samples.Web();
        other.Metadata.Name = "api";
        var yaml = ManifestWriter.Write([Samples.Web(), other]);
        Assert.Contains("\n---\napiVersion: keepoperator.io/v1alpha1\n", yaml, StringComparison.Ordinal);
    }
}
