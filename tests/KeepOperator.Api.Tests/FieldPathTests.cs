using System.Text.Json;
using KeepOperator.Api.Manifests;
using Xunit;

namespace KeepOperator.Api.Tests;

public class FieldPathTests
{
    [Theory]
    [InlineData("$.spec.foo", "spec.foo")]
    [InlineData("$.spec.priorities[0].priority", "spec.priorities[0].priority")]
    [InlineData("$.metadata.labels['app.kubernetes.io/name']", "metadata.labels[\"app.kubernetes.io/name\"]")]
    [InlineData("$", "")]
    [InlineData(null, "")]
    public void Converts_system_text_json_paths(string? jsonPath, string expected)
    {
        Assert.Equal(expected, FieldPath.FromJsonPath(jsonPath));
    }

    [Theory]
    [InlineData("spec.priorities[0].priority", "spec.priorities[0]")]
    [InlineData("spec.priorities[0]", "spec.priorities")]
    [InlineData("metadata.labels[\"a.b[1]\"]", "metadata.labels")]
    [InlineData("spec", "")]
    public void Parent(string path, string parent)
    {
        Assert.Equal(parent, FieldPath.Parent(path));
    }

    [Fact]
    public void Members_that_are_not_identifiers_are_quoted()
    {
        Assert.Equal("metadata.labels[\"app.kubernetes.io/name\"]", FieldPath.Member("metadata.labels", "app.kubernetes.io/name"));
        Assert.Equal("spec.virtualRouterId", FieldPath.Member("spec", "virtualRouterId"));
    }

    [Fact]
    public void Timestamps_must_be_rfc3339_date_times()
    {
        Assert.True(Rfc3339TimestampConverter.TryParse("2024-05-01T12:00:00Z", out var utc));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero), utc);
        Assert.True(Rfc3339TimestampConverter.TryParse("2024-05-01T14:00:00+02:00", out var offset));
        Assert.Equal(utc, offset);
        Assert.False(Rfc3339TimestampConverter.TryParse("2024-05-01", out _));
        Assert.False(Rfc3339TimestampConverter.TryParse("May 1 2024 12:00:00 PM", out _));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"name":"x","creationTimestamp":"2024-05-01"}""", ApiJsonContext.Default.VirtualIp.Options.GetTypeInfo(typeof(ObjectMeta))));
    }
}
