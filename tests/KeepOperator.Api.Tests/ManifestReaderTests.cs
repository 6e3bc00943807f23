using System.Text.Json;
using KeepOperator.Api.Manifests;
using Xunit;

namespace KeepOperator.Api.Tests;

public class ManifestReaderTests
{
    private static ManifestException Refused(string yaml, ValidationMode mode = ValidationMode.Standalone) =>
        Assert.Throws<ManifestException>(() => ManifestReader.Read(yaml, "web.yaml", mode));

    private static string Only(ManifestException e) => Assert.Single(e.Errors).ToString();

    [Fact]
    public void The_issue_sample_loads()
    {
        var document = Assert.Single(ManifestReader.Read(Samples.WebYaml, "web.yaml", ValidationMode.Standalone));
        Assert.Equal("web.yaml", document.Source);
        Assert.Equal(1, document.Document);
        Assert.Equal("VirtualIp", document.Kind);
        Assert.Equal("web", document.Name);

        var vip = Assert.IsType<VirtualIp>(document.Object);
        Assert.Equal("keepoperator.io/v1alpha1", vip.ApiVersion);
        Assert.Equal(["10.77.0.250"], vip.Spec.Addresses);
        Assert.Equal("eth0", vip.Spec.Interface);
        Assert.Equal(51, vip.Spec.VirtualRouterId);
        Assert.Equal(2, vip.Spec.VrrpVersion);
        Assert.Equal("1s", vip.Spec.AdvertInterval);
        Assert.True(vip.Spec.Preempt);
        Assert.Equal("PASS", vip.Spec.Authentication!.Type);
        Assert.Equal("lll", vip.Spec.Authentication.Password);
        Assert.Collection(
            vip.Spec.Priorities!,
            p => { Assert.Equal("n1", p.NodeName); Assert.Equal(100, p.Priority); },
            p => { Assert.Equal("n2", p.NodeName); Assert.Equal(90, p.Priority); });
        Assert.Null(vip.Status);
    }

    [Fact]
    public void The_issue_sample_equals_the_typed_sample()
    {
        var read = ManifestReader.Read(Samples.WebYaml, "web.yaml").Single().Object;
        Assert.Equal(Json(Samples.Web()), Json((VirtualIp)read));
    }

    // The four errors the agent must refuse with a message naming the document, the field and the rule.

    [Fact]
    public void Unknown_field_is_refused()
    {
        var e = Refused(Samples.WebYaml.Replace("  preempt: true", "  preempt: true\n  foo: bar", StringComparison.Ordinal));
        Assert.Equal("web.yaml: VirtualIp \"web\" (document 1): spec.foo: unknown field (line 12)", Only(e));
    }

    [Fact]
    public void Priority_300_is_refused()
    {
        var e = Refused(Samples.WebYaml.Replace("priority: 100", "priority: 300", StringComparison.Ordinal));
        Assert.Equal("web.yaml: VirtualIp \"web\" (document 1): spec.priorities[0].priority: must be between 1 and 254, got 300 (line 17)", Only(e));
        Assert.StartsWith("web.yaml: VirtualIp \"web\" (document 1): spec.priorities[0].priority: must be between 1 and 254, got 300", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void V2_with_50ms_advert_interval_is_refused()
    {
        var e = Refused(Samples.WebYaml.Replace("advertInterval: 1s", "advertInterval: 50ms", StringComparison.Ordinal));
        Assert.Equal(
            "web.yaml: VirtualIp \"web\" (document 1): spec.advertInterval: VRRP version 2 needs whole seconds between 1s and 255s, got \"50ms\" (line 10)",
            Only(e));
    }

    [Fact]
    public void Address_that_is_not_an_ip_is_refused()
    {
        var e = Refused(Samples.WebYaml.Replace("\"10.77.0.250\"", "\"web.example.com\"", StringComparison.Ordinal));
        Assert.Equal(
            "web.yaml: VirtualIp \"web\" (document 1): spec.addresses[0]: must be an IP address or CIDR such as \"10.0.0.5\" or \"10.0.0.5/24\", got \"web.example.com\" (line 6)",
            Only(e));
    }

    [Fact]
    public void All_errors_of_all_documents_are_collected()
    {
        var second = Samples.WebYaml
            .Replace("name: web", "name: api", StringComparison.Ordinal)
            .Replace("virtualRouterId: 51", "virtualRouterId: 0", StringComparison.Ordinal)
            .Replace("  preempt: true", "  preempt: true\n  bar: 1\n  baz: 2", StringComparison.Ordinal);
        var third = Samples.WebYaml
            .Replace("name: web", "name: db", StringComparison.Ordinal)
            .Replace("virtualRouterId: 51", "virtualRouterId: 0", StringComparison.Ordinal)
            .Replace("password: lll", "password: toolongpassword", StringComparison.Ordinal);
        var e = Refused(Samples.WebYaml + "\n---\n" + second + "\n---\n" + third);
        Assert.Equal(
            [
                "VirtualIp \"api\" (document 2): spec.bar: unknown field",
                "VirtualIp \"api\" (document 2): spec.baz: unknown field",
                "VirtualIp \"db\" (document 3): spec.virtualRouterId: must be between 1 and 255, got 0",
                "VirtualIp \"db\" (document 3): spec.authentication.password: must be 1 to 8 bytes",
            ],
            e.Errors.Select(x => x.ToString()["web.yaml: ".Length..]).Select(s => s[..Math.Min(s.Length, s.IndexOf(" (line", StringComparison.Ordinal) is var i && i >= 0 ? Math.Min(i, s.Length) : s.Length)]).Select(Trim));
        Assert.StartsWith("4 errors:", e.Message, StringComparison.Ordinal);

        static string Trim(string s) => s.Contains("bytes", StringComparison.Ordinal) ? s[..(s.IndexOf("bytes", StringComparison.Ordinal) + 5)] : s;
    }

    [Fact]
    public void Every_unknown_field_and_type_error_in_a_document_is_reported()
    {
        var yaml = """
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata: {name: web, finalizers: [x]}
            spec:
              addresses: 10.0.0.1
              virtualRouterId: "51"
              preempt: yes
              priorities: [{nodeName: n1, priority: 1.5, extra: 1}]
              authentication: {password: 1234}
            """;
        var errors = Refused(yaml).Errors.Select(e => $"{e.Path}: {e.Message}").ToList();
        Assert.Equal(
            [
                "metadata.finalizers: unknown field",
                "spec.addresses: expected a list, got string \"10.0.0.1\"",
                "spec.virtualRouterId: expected an integer, got string \"51\"",
                "spec.preempt: expected true or false, got string \"yes\"",
                "spec.priorities[0].priority: expected an integer, got number 1.5",
                "spec.priorities[0].extra: unknown field",
                "spec.authentication.password: expected a string, got integer 1234 (quote it: \"1234\")",
            ],
            errors);
    }

    [Fact]
    public void Errors_carry_the_line_of_the_field()
    {
        var e = Refused(Samples.WebYaml.Replace("priority: 90", "priority: 0", StringComparison.Ordinal));
        var error = Assert.Single(e.Errors);
        Assert.Equal(19, error.Line);
        Assert.Equal("spec.priorities[1].priority", error.Path);
        Assert.Equal("web", error.Name);
        Assert.Equal("VirtualIp", error.Kind);
        Assert.Equal(1, error.Document);
    }

    [Fact]
    public void Yaml_core_schema_scalars()
    {
        var yaml = """
            apiVersion: keepoperator.io/v1alpha1
            kind: VirtualIp
            metadata:
              name: web
              labels: {a: "true", b: '123', c: !!str 0x10, d: "null", e: ""}
              annotations:
                block: |
                  line one
                  line two
            spec:
              addresses: [10.0.0.1]
              virtualRouterId: 0x33
              defaultPriority: 0o17
              interface: ~
              preemptDelay: null
              preempt: False
              authentication: {password: "1234"}
            """;
        var vip = (VirtualIp)ManifestReader.Read(yaml, "x.yaml", ValidationMode.Standalone).Single().Object;
        Assert.Equal("true", vip.Metadata.Labels!["a"]);
        Assert.Equal("123", vip.Metadata.Labels["b"]);
        Assert.Equal("0x10", vip.Metadata.Labels["c"]);
        Assert.Equal("null", vip.Metadata.Labels["d"]);
        Assert.Equal("", vip.Metadata.Labels["e"]);
        Assert.Equal("line one\nline two\n", vip.Metadata.Annotations!["block"]);
        Assert.Equal(51, vip.Spec.VirtualRouterId);
        Assert.Equal(15, vip.Spec.DefaultPriority);
        Assert.Null(vip.Spec.Interface);
        Assert.Null(vip.Spec.PreemptDelay);
        Assert.False(vip.Spec.Preempt);
        Assert.Equal("1234", vip.Spec.Authentication!.Password);
    }

    [Fact]
    public void Null_for_a_required_member_is_refused()
    {
        var e = Refused(Samples.WebYaml.Replace("  addresses: [\"10.77.0.250\"]", "  addresses: null", StringComparison.Ordinal));
        Assert.Contains("spec.addresses: must not be null", Only(e), StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_documents_are_skipped_and_indexes_count_every_document()
    {
        var yaml = "# leading comment\n---\n" + Samples.WebYaml + "\n---\n# only a comment\n---\n" +
            Samples.WebYaml.Replace("name: web", "name: api", StringComparison.Ordinal) + "\n---\n";
        var documents = ManifestReader.Read(yaml, "all.yaml", ValidationMode.Standalone);
        Assert.Equal(["web", "api"], documents.Select(d => d.Name));
        Assert.Equal([1, 3], documents.Select(d => d.Document));
        Assert.Equal(3, documents[0].Line);
    }

    [Fact]
    public void Empty_stream_is_no_documents()
    {
        Assert.Empty(ManifestReader.Read("", "empty.yaml"));
        Assert.Empty(ManifestReader.Read("# nothing\n", "empty.yaml"));
    }

    [Fact]
    public void Duplicate_names_are_refused()
    {
        var e = Refused(Samples.WebYaml + "\n---\n" + Samples.WebYaml);
        Assert.StartsWith("web.yaml: VirtualIp \"web\" (document 2): metadata.name: duplicate VirtualIp \"web\" (also document 1)", Only(e), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_kind_and_api_version_are_refused()
    {
        var kind = Refused("apiVersion: keepoperator.io/v1alpha1\nkind: NodeAgentConfig\nmetadata: {name: x}\n");
        Assert.Equal(
            "web.yaml: NodeAgentConfig \"x\" (document 1): kind: unknown kind \"NodeAgentConfig\" in keepoperator.io/v1alpha1 (known: keepoperator.io/v1alpha1 VirtualIp, keepoperator.io/v1alpha1 VirtualServer) (line 2)",
            Only(kind));

        var version = Refused(Samples.WebYaml.Replace("keepoperator.io/v1alpha1", "keepoperator.io/v1", StringComparison.Ordinal));
        Assert.Equal(
            "web.yaml: VirtualIp \"web\" (document 1): apiVersion: unknown apiVersion \"keepoperator.io/v1\" for kind VirtualIp (expected \"keepoperator.io/v1alpha1\") (line 1)",
            Only(version));
    }

    [Fact]
    public void Missing_api_version_and_kind_are_refused()
    {
        var e = Refused("metadata: {name: x}\nspec: {}\n");
        Assert.Equal(["apiVersion", "kind"], e.Errors.Select(x => x.Path));
        Assert.All(e.Errors, x => Assert.Contains("required", x.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_document_that_is_not_a_mapping_is_refused()
    {
        var e = Refused("- a\n- b\n");
        Assert.Equal("web.yaml: (document 1): expected a mapping with apiVersion and kind, got a list (line 1)", Only(e));
    }

    [Fact]
    public void Yaml_syntax_errors_name_the_line()
    {
        var e = Refused(Samples.WebYaml.Replace("  priorities:", "  priorities: [", StringComparison.Ordinal));
        var error = Assert.Single(e.Errors);
        Assert.Null(error.Document);
        Assert.NotNull(error.Line);
        Assert.Matches(@"^web\.yaml: line \d+, column \d+: YAML syntax error: ", error.ToString());

        var tab = Refused("apiVersion: v1\nkind: X\nmetadata:\n\tname: x\n");
        Assert.True(Only(tab).StartsWith("web.yaml: line 4, column", StringComparison.Ordinal), Only(tab));
    }

    [Fact]
    public void Duplicate_keys_are_refused()
    {
        var e = Refused(Samples.WebYaml.Replace("  preempt: true", "  preempt: true\n  preempt: false", StringComparison.Ordinal));
        Assert.Contains("line 12", Only(e), StringComparison.Ordinal);
        Assert.Contains("preempt", Only(e), StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_tags_are_refused()
    {
        var e = Refused(Samples.WebYaml.Replace("password: lll", "password: !secret lll", StringComparison.Ordinal));
        Assert.Contains("spec.authentication.password: unsupported tag !secret", Only(e), StringComparison.Ordinal);
    }

    [Fact]
    public void Aliases_are_expanded_and_bombs_refused()
    {
        var yaml = Samples.WebYaml
            .Replace("name: web", "name: &n web", StringComparison.Ordinal)
            .Replace("nodeName: n2", "nodeName: *n", StringComparison.Ordinal);
        var vip = (VirtualIp)ManifestReader.Read(yaml, "a.yaml").Single().Object;
        Assert.Equal("web", vip.Spec.Priorities![1].NodeName);

        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        var e = Refused(bomb);
        Assert.Contains("too large", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_with_timestamps_is_read()
    {
        var yaml = Samples.WebYaml + """

            status:
              virtualRouterId: 51
              master: n1
              backups: [n2]
              nodes:
                - {name: n1, state: Master, priority: 100, effectivePriority: 100, lastTransitionTime: 2024-05-01T12:00:00Z}
              conditions:
                - type: Ready
                  status: "True"
                  observedGeneration: 3
                  lastTransitionTime: "2024-05-01T12:00:00Z"
                  reason: Elected
                  message: n1 is master
              observedGeneration: 3
            """;
        var vip = (VirtualIp)ManifestReader.Read(yaml, "s.yaml").Single().Object;
        Assert.Equal("n1", vip.Status!.Master);
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), vip.Status.Nodes![0].LastTransitionTime);
        Assert.Equal("True", vip.Status.Conditions![0].Status);
        Assert.Contains("\"lastTransitionTime\":\"2024-05-01T12:00:00Z\"", Json(vip), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2024-05-01")]
    public void Bad_timestamp_is_refused(string timestamp)
    {
        var e = Refused(Samples.WebYaml.Replace("name: web", "name: web\n  creationTimestamp: " + timestamp, StringComparison.Ordinal));
        Assert.Contains("metadata.creationTimestamp: expected an RFC 3339 timestamp", Only(e), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_file_uses_the_path_as_source_and_reports_missing_files()
    {
        var path = Path.Combine(Path.GetTempPath(), $"keepoperator-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Samples.WebYaml);
        try
        {
            Assert.Equal(path, ManifestReader.ReadFile(path).Single().Source);
        }
        finally
        {
            File.Delete(path);
        }

        var e = Assert.Throws<ManifestException>(() => ManifestReader.ReadFile(path));
        Assert.StartsWith(path + ": cannot read: ", Only(e), StringComparison.Ordinal);
    }

    [Fact]
    public void Lenient_context_skips_members_the_api_server_adds_but_strict_refuses_them()
    {
        var json = """{"apiVersion":"keepoperator.io/v1alpha1","kind":"VirtualIp","metadata":{"name":"web","managedFields":[{}]},"spec":{"addresses":["10.0.0.1"]}}""";
        var vip = JsonSerializer.Deserialize(json, ApiJsonContext.Default.VirtualIp)!;
        Assert.Equal("web", vip.Metadata.Name);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, ApiJsonContext.Strict.VirtualIp));
    }

    [Fact]
    public void Writes_camel_case_and_omits_nulls()
    {
        var json = Json(Samples.Web());
        Assert.StartsWith("""{"apiVersion":"keepoperator.io/v1alpha1","kind":"VirtualIp","metadata":{"name":"web"},"spec":{"addresses":["10.77.0.250"],"interface":"eth0","virtualRouterId":51""", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
    }

    internal static string Json(VirtualIp vip) => JsonSerializer.Serialize(vip, ApiJsonContext.Default.VirtualIp);
}

public class ManifestSyntaxErrorTests
{
    [Theory]
    [InlineData("apiVersion: v1\nkind: X\nmetadata:\n\tname: x\n", 4, "tab")]
    [InlineData("a: 1\nb: [1\nc: 2\n", 2, "unclosed")]
    [InlineData("a: 1\nb:\n  c: 1\n  c: 2\n", 4, "Duplicate key c")]
    [InlineData("a: 1\nb: 'x\n", 2, "quoted scalar")]
    [InlineData("a:\n  - 1\n b: 2\n", 3, "did not find expected key")]
    [InlineData("a: 1\n\tb: 2\n", 2, "tab")]
    public void Syntax_errors_name_the_line(string yaml, int line, string messagePart)
    {
        var e = Assert.Throws<ManifestException>(() => ManifestReader.Read(yaml, "bad.yaml"));
        var error = Assert.Single(e.Errors);
        Assert.Equal(line, error.Line);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"bad.yaml: line {line}, column ", error.ToString(), StringComparison.Ordinal);
    }
}
