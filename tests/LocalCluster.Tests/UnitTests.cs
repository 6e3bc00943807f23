using System.Text.Json.Nodes;
using Xunit;

namespace KeepOperator.LocalCluster.Tests;

/// <summary>The pure parts: selectors, patches, JSONPath, schema validation, durations.</summary>
public sealed class UnitTests
{
    private static JsonObject O(string json) => JsonNode.Parse(json)!.AsObject();

    [Theory]
    [InlineData("", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web,tier=gold", true)]
    [InlineData("app!=web", false)]
    [InlineData("tier in (gold, silver)", true)]
    [InlineData("tier notin (gold)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("missing!=x", true)]
    [InlineData("n>3", true)]
    [InlineData("n<3", false)]
    public void LabelSelector_Matches(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(O("""{"app":"web","tier":"gold","n":"5"}""")));

    [Theory]
    [InlineData("metadata.name=a", true)]
    [InlineData("metadata.name!=a", false)]
    [InlineData("involvedObject.namespace=", true)]
    [InlineData("involvedObject.name=w,involvedObject.uid=u1", true)]
    [InlineData("spec.nodeName==n1,status.phase!=Succeeded", true)]
    public void FieldSelector_Matches(string selector, bool expected) =>
        Assert.Equal(expected, FieldSelector.Parse(selector).Matches(O("""{"metadata":{"name":"a"},"involvedObject":{"name":"w","uid":"u1"},"spec":{"nodeName":"n1"},"status":{"phase":"Running"}}""")));

    [Fact]
    public void MergePatch_FollowsRfc7386() =>
        Assert.Equal("""{"a":{"c":3},"d":[9]}""", Json.Serialize(Patches.Merge(O("""{"a":{"b":1,"c":2},"d":[1,2]}"""), O("""{"a":{"b":null,"c":3},"d":[9]}"""))));

    [Fact]
    public void JsonPatch_AppliesOperations()
    {
        var ops = JsonNode.Parse("""[{"op":"add","path":"/spec/list/-","value":3},{"op":"replace","path":"/spec/x","value":"y"},{"op":"remove","path":"/spec/gone"},{"op":"test","path":"/spec/x","value":"y"}]""")!.AsArray();
        Assert.Equal("""{"spec":{"list":[1,3],"x":"y"}}""", Json.Serialize(Patches.ApplyJsonPatch(O("""{"spec":{"list":[1],"x":"x","gone":true}}"""), ops)));
    }

    [Fact]
    public void StrategicMergePatch_MergesListsByKeyAndHonoursDirectives()
    {
        var target = O("""{"metadata":{"finalizers":["a"]},"status":{"conditions":[{"type":"Ready","status":"False"},{"type":"Disk","status":"True"}]},"spec":{"taints":[{"key":"x"}]}}""");
        var patch = O("""{"metadata":{"finalizers":["b"]},"status":{"$setElementOrder/conditions":[{"type":"Disk"},{"type":"Ready"}],"conditions":[{"type":"Ready","status":"True"}]},"spec":{"taints":[{"key":"y"}]}}""");
        var result = Patches.Strategic(target, patch, "Node")!;
        Assert.Equal("""["a","b"]""", Json.Serialize(result["metadata"]!["finalizers"]));
        Assert.Equal("""[{"type":"Disk","status":"True"},{"type":"Ready","status":"True"}]""", Json.Serialize(result["status"]!["conditions"]));
        Assert.Equal("""[{"key":"y"}]""", Json.Serialize(result["spec"]!["taints"]));

        var deleted = Patches.Strategic(result, O("""{"status":{"conditions":[{"type":"Disk","$patch":"delete"}]},"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}"""), "Node")!;
        Assert.Equal("""[{"type":"Ready","status":"True"}]""", Json.Serialize(deleted["status"]!["conditions"]));
        Assert.Equal("""["b"]""", Json.Serialize(deleted["metadata"]!["finalizers"]));
    }

    [Theory]
    [InlineData(".spec.addresses[0]", "10.0.0.1")]
    [InlineData(".spec.addresses[*]", "10.0.0.1,10.0.0.2")]
    [InlineData(".status.backups[*].name", "b1,b2")]
    [InlineData("{.metadata.labels.app\\.kubernetes\\.io/name}", "web")]
    [InlineData(".spec.missing", "")]
    public void JsonPath_Subset(string path, string expected)
    {
        var obj = O("""{"metadata":{"labels":{"app.kubernetes.io/name":"web"}},"spec":{"addresses":["10.0.0.1","10.0.0.2"]},"status":{"backups":[{"name":"b1"},{"name":"b2"}]}}""");
        Assert.Equal(expected, string.Join(",", JsonPathLite.Evaluate(obj, path).Select(Json.ScalarText)));
    }

    [Theory]
    [InlineData(".status.conditions[?(@.type==\"Ready\")].status", "True")]
    [InlineData(".status.conditions[?(@.type == 'Synced')].reason", "Drift")]
    [InlineData(".status.conditions[?(@.type!=\"Ready\")].type", "Synced,Other")]
    [InlineData(".status.conditions[?(@.observedGeneration==2)].type", "Synced")]
    [InlineData(".status.conditions[?(@.meta.stale==true)].type", "Other")]
    [InlineData(".status.conditions[?(@.type==\"Gone\")].status", "")]
    [InlineData(".status.conditions[?(@.type=~/x/)]", "")]
    public void JsonPath_Filters(string path, string expected)
    {
        var obj = O("""{"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Synced","status":"False","reason":"Drift","observedGeneration":2},{"type":"Other","meta":{"stale":true}}]}}""");
        Assert.Equal(expected, string.Join(",", JsonPathLite.Evaluate(obj, path).Select(Json.ScalarText)));
    }

    [Fact]
    public void Schema_DefaultsPrunesAndValidates()
    {
        var schema = O("""
            {"type":"object","properties":{"spec":{"type":"object","required":["size"],"properties":{
              "size":{"type":"integer","minimum":1,"maximum":254},
              "mode":{"type":"string","enum":["fast","slow"],"default":"fast"},
              "name":{"type":"string","maxLength":3,"pattern":"^[a-z]+$"},
              "ip":{"type":"string","format":"ipv4"},
              "cidr":{"type":"string","format":"cidr"},
              "port":{"x-kubernetes-int-or-string":true},
              "tags":{"type":"array","maxItems":1,"items":{"type":"string"}},
              "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
              "labels":{"type":"object","additionalProperties":{"type":"string"}}}}}}
            """);
        var ok = O("""{"apiVersion":"x/v1","kind":"K","metadata":{"name":"n"},"spec":{"size":3,"junk":1,"free":{"any":1},"labels":{"a":"b"},"port":"http","cidr":"10.0.0.0/8"}}""");
        var result = SchemaValidator.Apply(ok, schema);
        Assert.Empty(result.Errors);
        Assert.Equal(["spec.junk"], result.UnknownFields);
        Assert.Equal("fast", ok["spec"]!["mode"]!.GetValue<string>());
        Assert.NotNull(ok["spec"]!["free"]!["any"]);

        var bad = O("""{"spec":{"size":"big","mode":"medium","name":"ABCD","ip":"1.2.3","tags":["a","b"],"labels":{"a":1},"port":1.5}}""");
        var messages = SchemaValidator.Apply(bad, schema).Errors.Select(e => $"{e.Field}: {e.Message}").ToList();
        Assert.Contains("spec.size: Invalid value: \"string\": spec.size in body must be of type integer: \"string\"", messages);
        Assert.Contains("spec.mode: Unsupported value: \"medium\": supported values: \"fast\", \"slow\"", messages);
        Assert.Contains("spec.name: Too long: may not be more than 3 bytes", messages);
        Assert.Contains("spec.name: Invalid value: \"ABCD\": spec.name in body should match '^[a-z]+$'", messages);
        Assert.Contains("spec.ip: Invalid value: \"1.2.3\": spec.ip in body must be of type ipv4: \"1.2.3\"", messages);
        Assert.Contains("spec.tags: Too many: 2: must have at most 1 items", messages);
        Assert.Contains("spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"", messages);
        Assert.Contains(messages, m => m.StartsWith("spec.port: Invalid value: 1.5", StringComparison.Ordinal));

        var missing = SchemaValidator.Apply(O("""{"spec":{}}"""), schema).Errors.Select(e => $"{e.Field}: {e.Message}");
        Assert.Contains("spec.size: Required value", missing);
    }

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(150, "2m30s")]
    [InlineData(900, "15m")]
    [InlineData(5 * 3600 + 1800, "5h30m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(3 * 86400 + 4 * 3600, "3d4h")]
    [InlineData(20 * 86400, "20d")]
    public void HumanDuration_LikeKubectl(int seconds, string expected) =>
        Assert.Equal(expected, TableRenderer.HumanDuration(TimeSpan.FromSeconds(seconds)));
}
