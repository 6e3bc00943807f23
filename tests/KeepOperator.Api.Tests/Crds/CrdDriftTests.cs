using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Xunit;

namespace KeepOperator.Api.Tests.Crds;

/// <summary>deploy/crds/ and the C# types (<see cref="ResourceDefinitions"/>, <see cref="ApiJsonContext"/>) say the same thing.</summary>
public sealed class CrdDriftTests
{
    public static TheoryData<string> Resources => [.. ResourceDefinitions.All.Select(r => r.Kind)];

    public static TheoryData<string> ValidatorRequired => [.. ValidatorRequiredFields.VirtualIp.Keys];

    private static ResourceDefinition Resource(string kind) => ResourceDefinitions.All.Single(r => r.Kind == kind);

    private static IReadOnlySet<string> RequiredByValidator(ResourceDefinition resource) =>
        resource == ResourceDefinitions.VirtualIp ? ValidatorRequiredFields.VirtualIp.Keys.ToHashSet() : [];

    private static List<string> Drift(ResourceDefinition resource, JsonObject crd, JsonTypeInfo? typeInfo = null) =>
        SchemaDrift.Compare(typeInfo ?? resource.TypeInfo, CrdFiles.Schema(crd), RequiredByValidator(resource));

    [Theory]
    [MemberData(nameof(Resources))]
    public void Names_scope_and_categories_match(string kind)
    {
        var resource = Resource(kind);
        var crd = CrdFiles.Load(resource);
        Assert.Equal("apiextensions.k8s.io/v1", (string?)crd["apiVersion"]);
        Assert.Equal("CustomResourceDefinition", (string?)crd["kind"]);
        Assert.Equal(resource.CrdName, (string?)crd["metadata"]!["name"]);
        var spec = crd["spec"]!;
        Assert.Equal(resource.Group, (string?)spec["group"]);
        Assert.Equal(resource.Namespaced ? "Namespaced" : "Cluster", (string?)spec["scope"]);
        var names = spec["names"]!;
        Assert.Equal(resource.Kind, (string?)names["kind"]);
        Assert.Equal(resource.Kind + "List", (string?)names["listKind"]);
        Assert.Equal(resource.Plural, (string?)names["plural"]);
        Assert.Equal(resource.Singular, (string?)names["singular"]);
        Assert.Equal(resource.ShortNames, names["shortNames"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(resource.Categories, names["categories"]!.AsArray().Select(n => (string)n!));

        var version = Assert.Single(spec["versions"]!.AsArray())!;
        Assert.Equal(resource.Version, (string?)version["name"]);
        Assert.True((bool)version["served"]!);
        Assert.True((bool)version["storage"]!);
        Assert.NotNull(version["subresources"]?["status"]);
    }

    [Theory]
    [MemberData(nameof(Resources))]
    public void Schema_matches_the_CSharp_type(string kind)
    {
        var resource = Resource(kind);
        Assert.Empty(Drift(resource, CrdFiles.Load(resource)));
    }

    [Theory]
    [MemberData(nameof(ValidatorRequired))]
    public void A_field_the_CRD_requires_beyond_the_CSharp_types_is_required_by_the_validator(string schemaPath)
    {
        var (remove, errorPath) = ValidatorRequiredFields.VirtualIp[schemaPath];
        var vip = ValidatorRequiredFields.Full();
        Assert.Empty(VirtualIpValidator.Validate(vip));
        remove(vip.Spec);
        Assert.Contains(VirtualIpValidator.Validate(vip), e => e.Path == errorPath);
    }

    [Fact]
    public void A_property_only_in_the_CRD_is_drift()
    {
        var crd = LoadVirtualIp();
        SpecSchema(crd)["properties"]!["colour"] = new JsonObject { ["type"] = "string", ["description"] = "Paint." };
        Assert.Equal(["spec.colour: in the CRD but not in C# (VirtualIpSpec)"], Drift(ResourceDefinitions.VirtualIp, crd));
    }

    [Fact]
    public void A_property_only_in_CSharp_is_drift()
    {
        var options = new JsonSerializerOptions(ApiJsonContext.Default.Options)
        {
            TypeInfoResolver = ApiJsonContext.Default.WithAddedModifier(info =>
            {
                if (info.Type == typeof(VirtualIpSpec))
                {
                    info.Properties.Add(info.CreateJsonPropertyInfo(typeof(string), "colour"));
                }
            }),
        };
        var problems = Drift(ResourceDefinitions.VirtualIp, LoadVirtualIp(), options.GetTypeInfo(typeof(VirtualIp)));
        Assert.Equal(["spec.colour: in C# (VirtualIpSpec) but not in the CRD"], problems);
    }

    [Fact]
    public void A_missing_property_a_changed_type_a_dropped_requirement_and_descriptions_are_drift()
    {
        var crd = LoadVirtualIp();
        var properties = SpecSchema(crd)["properties"]!.AsObject();
        properties.Remove("interface");
        properties["virtualRouterId"]!["type"] = "string";
        properties["priorities"]!["items"]!["required"] = new JsonArray("nodeName");
        properties["preempt"]!.AsObject().Remove("description");
        CrdFiles.Schema(crd)["properties"]!["metadata"]!["description"] = "Standard object metadata.";

        var problems = Drift(ResourceDefinitions.VirtualIp, crd);

        Assert.Contains("spec.interface: in C# (VirtualIpSpec) but not in the CRD", problems);
        Assert.Contains("spec.virtualRouterId: type string in the CRD, integer for C# Int32", problems);
        Assert.Contains(problems, p => p.StartsWith("spec.priorities[]: required [nodeName] in the CRD, [nodeName, priority] from C#", StringComparison.Ordinal));
        Assert.Contains("spec.preempt: no description", problems);
        Assert.Contains(problems, p => p.StartsWith("metadata: must be just {type: object}", StringComparison.Ordinal));
        Assert.Equal(5, problems.Count);
    }

    [Fact]
    public void A_default_that_is_not_the_CSharp_initial_value_is_drift()
    {
        var crd = LoadVirtualIp();
        SpecSchema(crd)["properties"]!["authentication"]!["properties"]!["type"]!["default"] = "AH";
        Assert.Equal(["spec.authentication.type: default \"AH\" in the CRD, \"PASS\" in C#"], Drift(ResourceDefinitions.VirtualIp, crd));
    }

    [Fact]
    public void A_resolved_virtual_server_kept_unvalidated_or_a_changed_enum_is_drift()
    {
        var crd = CrdFiles.Load(ResourceDefinitions.NodeAgentConfig);
        var servers = CrdFiles.Schema(crd)["properties"]!["spec"]!["properties"]!["virtualServers"]!;
        var item = servers["items"]!.AsObject();
        item["properties"]!["forwarding"]!["enum"] = new JsonArray("NAT", "DR");
        Assert.Equal(["spec.virtualServers[].forwarding: enum [DR, NAT] in the CRD, [DR, NAT, TUN] in C# (ForwardingMethod)"], Drift(ResourceDefinitions.NodeAgentConfig, crd));

        servers["items"] = new JsonObject { ["type"] = "object", ["description"] = "Anything.", ["x-kubernetes-preserve-unknown-fields"] = true };
        Assert.Equal(
            ["spec.virtualServers[]: kept unvalidated (x-kubernetes-preserve-unknown-fields) instead of a schema for VirtualServerInstance"],
            Drift(ResourceDefinitions.NodeAgentConfig, crd));
    }

    private static JsonObject LoadVirtualIp() => CrdFiles.Load(ResourceDefinitions.VirtualIp);

    private static JsonObject SpecSchema(JsonObject crd) => CrdFiles.Schema(crd)["properties"]!["spec"]!.AsObject();
}
