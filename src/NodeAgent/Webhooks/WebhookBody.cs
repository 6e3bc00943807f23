using System.Text.Json;

namespace KeepOperator.NodeAgent.Webhooks;

/// <summary>Pure: the JSON a webhook receives, {virtualIp, node, from, to, priority, reason, time}, time in RFC 3339 UTC.</summary>
public static class WebhookBody
{
    public const string ContentType = "application/json";

    /// <summary>Written by hand rather than through a serializer context: seven fields do not need one in the NativeAOT binary.</summary>
    public static byte[] Encode(TransitionNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("virtualIp", notice.VirtualIp);
            json.WriteString("node", notice.Node);
            json.WriteString("from", notice.From);
            json.WriteString("to", notice.To);
            json.WriteNumber("priority", notice.Priority);
            json.WriteString("reason", notice.Reason);
            json.WriteString("time", notice.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
