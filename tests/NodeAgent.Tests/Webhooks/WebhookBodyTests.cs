using System.Text;
using System.Text.Json;
using KeepOperator.NodeAgent.Webhooks;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Webhooks;

public sealed class WebhookBodyTests
{
    [Fact]
    public void Golden_bytes()
    {
        var notice = new TransitionNotice("web", "n1", "Backup", "Master", 100, "master_down", new DateTimeOffset(2026, 12, 4, 10, 0, 1, 234, TimeSpan.FromHours(2)));
        Assert.Equal(
            """{"virtualIp":"web","node":"n1","from":"Backup","to":"Master","priority":100,"reason":"master_down","time":"2026-12-04T08:00:01.234Z"}""",
            Encoding.UTF8.GetString(WebhookBody.Encode(notice)));
    }

    [Theory]
    [InlineData("a\"b\\c")]
    [InlineData("ünï/cødé\n")]
    [InlineData("<script>")]
    public void Any_name_round_trips_as_json(string name)
    {
        var body = WebhookBody.Encode(new TransitionNotice(name, name, "Stopped", "Backup", 0, name, DateTimeOffset.UnixEpoch));
        using var json = JsonDocument.Parse(body);
        Assert.Equal(name, json.RootElement.GetProperty("virtualIp").GetString());
        Assert.Equal(name, json.RootElement.GetProperty("node").GetString());
        Assert.Equal(name, json.RootElement.GetProperty("reason").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("priority").GetInt32());
        Assert.Equal(DateTimeOffset.UnixEpoch, json.RootElement.GetProperty("time").GetDateTimeOffset());
    }
}
