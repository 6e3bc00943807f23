using KeepOperator.Api.Metrics;
using Xunit;

namespace KeepOperator.Api.Tests.Metrics;

public sealed class MetricLabelTests
{
    public enum Sample
    {
        Ttl,
        AuthMismatch,
        VirtualIpStatus,
    }

    [Theory]
    [InlineData(Sample.Ttl, "ttl")]
    [InlineData(Sample.AuthMismatch, "auth_mismatch")]
    [InlineData(Sample.VirtualIpStatus, "virtual_ip_status")]
    public void Enum_names_become_snake_case(Sample value, string label) => Assert.Equal(label, MetricLabel.SnakeCase(value));
}
