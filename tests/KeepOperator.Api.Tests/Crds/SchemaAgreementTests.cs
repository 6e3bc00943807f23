using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KeepOperator.LocalCluster;
using Xunit;

namespace KeepOperator.Api.Tests.Crds;

/// <summary>
/// The CRD schemas and the C# validators refuse the same documents at the same field. OpenAPI rules are checked with
/// LocalCluster's structural-schema validator (the API server's rules and wording); the CEL rules, which it does not
/// evaluate, must sit where the C# validator reports. (The API server reports a duplicate list-map key at the item,
/// the validator at the key field.)
/// </summary>
public sealed partial class SchemaAgreementTests
{
    private static JsonObject Sample(string kind) => kind switch
    {
        "VirtualIp" => JsonSerializer.SerializeToNode(Samples.Web(), ApiJsonContext.Default.VirtualIp)!.AsObject(),
        _ => JsonSerializer.SerializeToNode(VirtualServerSamples.Web(), ApiJsonContext.Default.VirtualServer)!.AsObject(),
    };

    private static ResourceDefinition Resource(string kind) => ResourceDefinitions.All.Single(r => r.Kind == kind);

    private static List<StatusCause> SchemaErrors(string kind, JsonObject document)
    {
        var result = SchemaValidator.Apply(document.DeepClone().AsObject(), CrdFiles.Schema(CrdFiles.Load(Resource(kind))));
        Assert.Empty(result.UnknownFields);
        return result.Errors;
    }

    private static IReadOnlyList<FieldError> ValidatorErrors(string kind, JsonObject document) => kind switch
    {
        "VirtualIp" => VirtualIpValidator.Validate(document.Deserialize(ApiJsonContext.Default.VirtualIp)!),
        _ => VirtualServerValidator.Validate(document.Deserialize(ApiJsonContext.Default.VirtualServer)!),
    };

    [Theory]
    [InlineData("VirtualIp")]
    [InlineData("VirtualServer")]
    public void The_samples_pass_both(string kind)
    {
        Assert.Empty(SchemaErrors(kind, Sample(kind)));
        Assert.Empty(ValidatorErrors(kind, Sample(kind)));
    }

    [Theory]
    [InlineData("VirtualIp", "spec.priorities[0].priority=300", "spec.priorities[0].priority")]
    [InlineData("VirtualIp", "spec.priorities[1].priority=0", "spec.priorities[1].priority")]
    [InlineData("VirtualIp", "spec.priorities[1].nodeName=\"n1\"", "spec.priorities[1].nodeName", "spec.priorities[1]")]
    [InlineData("VirtualIp", "spec.virtualRouterId=256", "spec.virtualRouterId")]
    [InlineData("VirtualIp", "spec.virtualRouterId=0", "spec.virtualRouterId")]
    [InlineData("VirtualIp", "spec.vrrpVersion=4", "spec.vrrpVersion")]
    [InlineData("VirtualIp", "spec.defaultPriority=255", "spec.defaultPriority")]
    [InlineData("VirtualIp", "spec.addresses=[]", "spec.addresses")]
    [InlineData("VirtualIp", "spec.addresses[0]=\"web\"", "spec.addresses[0]")]
    [InlineData("VirtualIp", "spec.interface=\"eth0:1\"", "spec.interface")]
    [InlineData("VirtualIp", "spec.interface=\"abcdefghijklmnop\"", "spec.interface")]
    [InlineData("VirtualIp", "spec.advertInterval=\"1 s\"", "spec.advertInterval")]
    [InlineData("VirtualIp", "spec.authentication.password=\"123456789\"", "spec.authentication.password")]
    [InlineData("VirtualIp", "spec.authentication.type=\"AH\"", "spec.authentication.type")]
    [InlineData("VirtualIp", "spec.track=[{\"name\":\"a\",\"tcp\":{\"port\":0}}]", "spec.track[0].tcp.port")]
    [InlineData("VirtualIp", "spec.track=[{\"name\":\"a\",\"tcp\":{\"port\":80},\"weight\":255}]", "spec.track[0].weight")]
    [InlineData("VirtualIp", "spec.track=[{\"name\":\"a\",\"http\":{\"url\":\"ftp://x/\"}}]", "spec.track[0].http.url")]
    [InlineData("VirtualIp", "spec.gratuitousArp={\"repeat\":256}", "spec.gratuitousArp.repeat")]
    [InlineData("VirtualIp", "spec.unicast={\"peers\":[\"10.77.0.2/24\"]}", "spec.unicast.peers[0]")]
    [InlineData("VirtualServer", "spec.port=0", "spec.port")]
    [InlineData("VirtualServer", "spec.port=65536", "spec.port")]
    [InlineData("VirtualServer", "spec.realServers[1].weight=65536", "spec.realServers[1].weight")]
    [InlineData("VirtualServer", "spec.realServers[1].weight=-1", "spec.realServers[1].weight")]
    [InlineData("VirtualServer", "spec.realServers[0].port=0", "spec.realServers[0].port")]
    [InlineData("VirtualServer", "spec.realServers[0].address=\"web\"", "spec.realServers[0].address")]
    [InlineData("VirtualServer", "spec.protocol=\"tcp\"", "spec.protocol")]
    [InlineData("VirtualServer", "spec.scheduler=\"roundrobin\"", "spec.scheduler")]
    [InlineData("VirtualServer", "spec.forwarding=\"MASQ\"", "spec.forwarding")]
    [InlineData("VirtualServer", "spec.virtualIpRef=\"Web\"", "spec.virtualIpRef")]
    [InlineData("VirtualServer", "spec.persistenceTimeout=\"50\"", "spec.persistenceTimeout")]
    [InlineData("VirtualServer", "spec.persistenceNetmask=\"/24\"", "spec.persistenceNetmask")]
    [InlineData("VirtualServer", "spec.healthCheck.retries=0", "spec.healthCheck.retries")]
    [InlineData("VirtualServer", "spec.healthCheck.tcp.port=65536", "spec.healthCheck.tcp.port")]
    [InlineData("VirtualServer", "spec.healthCheck.interval=\"6 s\"", "spec.healthCheck.interval")]
    [InlineData("VirtualServer", "spec.quorum={\"minimum\":0}", "spec.quorum.minimum")]
    [InlineData("VirtualServer", "spec.quorum={\"minimum\":2,\"hysteresis\":-1}", "spec.quorum.hysteresis")]
    [InlineData("VirtualServer", "spec.sorryServer={\"address\":\"10.77.0.9\",\"weight\":65536}", "spec.sorryServer.weight")]
    public void Schema_and_validator_refuse_at_the_same_field(string kind, string edits, string path, string? schemaPath = null)
    {
        var document = JsonEdits.Apply(Sample(kind), edits);
        var schemaErrors = SchemaErrors(kind, document);
        Assert.True(schemaErrors.Any(e => e.Field == (schemaPath ?? path)), $"schema errors: {string.Join("; ", schemaErrors)}");
        var errors = ValidatorErrors(kind, document);
        Assert.True(errors.Any(e => e.Path == path), $"validator errors: {string.Join("; ", errors)}");
    }

    [Theory]
    [InlineData("VirtualIp", "spec.vrrpVersion=3", "spec.authentication")]
    [InlineData("VirtualIp", "spec.authentication.password=", "spec.authentication")]
    [InlineData("VirtualIp", "spec.addresses=[\"10.0.0.1\",\"2001:db8::1\"]; spec.vrrpVersion=3; spec.authentication=", "spec.addresses[1]")]
    [InlineData("VirtualIp", "spec.addresses=[\"2001:db8::1\"]", "spec.vrrpVersion")]
    [InlineData("VirtualIp", "spec.addresses[0]=\"10.0.0.256\"", "spec.addresses[0]")]
    [InlineData("VirtualIp", "spec.advertInterval=\"1500ms\"", "spec.advertInterval")]
    [InlineData("VirtualIp", "spec.advertInterval=\"5ms\"; spec.vrrpVersion=3; spec.authentication=", "spec.advertInterval")]
    [InlineData("VirtualIp", "spec.preemptDelay=\"1001s\"", "spec.preemptDelay")]
    [InlineData("VirtualIp", "spec.track=[{\"name\":\"a\",\"tcp\":{\"port\":80},\"http\":{\"url\":\"http://x/\"}}]", "spec.track[0]")]
    [InlineData("VirtualIp", "spec.unicast={\"peers\":[\"2001:db8::2\"]}", "spec.unicast.peers[0]")]
    [InlineData("VirtualIp", "spec.unicast={\"sourceAddress\":\"10.77.0.1\"}", "spec.unicast.sourceAddress")]
    [InlineData("VirtualIp", "spec.notify={\"master\":\"/usr/local/bin/up\"}", "spec.notify")]
    [InlineData("VirtualServer", "spec.fwmark=7", "spec")]
    [InlineData("VirtualServer", "spec.realServers=", "spec")]
    [InlineData("VirtualServer", "spec.healthCheck.http={\"path\":\"/\"}", "spec.healthCheck")]
    [InlineData("VirtualServer", "spec.realServers[0].address=\"10.77.0.256\"", "spec.realServers[0].address")]
    [InlineData("VirtualServer", "spec.address=\"10.77.0.256\"", "spec.address")]
    public void Rules_only_CEL_expresses_are_in_the_CRD_where_the_validator_reports(string kind, string edits, string path)
    {
        var document = JsonEdits.Apply(Sample(kind), edits);
        var errors = ValidatorErrors(kind, document);
        Assert.True(errors.Any(e => e.Path == path), $"validator errors: {string.Join("; ", errors)}");

        var generic = Indexes().Replace(path, "[]");
        bool Covers(string location) => generic == location || generic.StartsWith(location + "[", StringComparison.Ordinal);
        var rules = CelRuleLocations(CrdFiles.Schema(CrdFiles.Load(Resource(kind))), "");
        Assert.True(rules.Any(Covers), $"no CEL rule at {generic}; rules at: {string.Join(", ", rules)}");
        // LocalCluster evaluates the rule (real CEL) and refuses where it sits.
        var schemaErrors = SchemaErrors(kind, document);
        Assert.True(schemaErrors.Any(e => Covers(Indexes().Replace(e.Field, "[]"))), $"schema errors: {string.Join("; ", schemaErrors)}");
    }

    /// <summary>Where each x-kubernetes-validations rule reports: its node's path plus its fieldPath.</summary>
    private static List<string> CelRuleLocations(JsonObject schema, string path)
    {
        var found = new List<string>();
        foreach (var rule in (schema["x-kubernetes-validations"] as JsonArray ?? []).OfType<JsonObject>())
        {
            found.Add(path + ((string?)rule["fieldPath"] ?? ""));
        }

        foreach (var (name, child) in schema["properties"] as JsonObject ?? [])
        {
            found.AddRange(CelRuleLocations(child!.AsObject(), path.Length == 0 ? name : path + "." + name));
        }

        if (schema["items"] is JsonObject items)
        {
            found.AddRange(CelRuleLocations(items, path + "[]"));
        }

        return found;
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Indexes();
}
