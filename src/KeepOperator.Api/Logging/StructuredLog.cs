using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KeepOperator.Api.Logging;

/// <summary>How <see cref="StructuredLog"/> writes a line: logfmt for people and grep, JSON for log pipelines.</summary>
public enum LogFormat
{
    Logfmt,
    Json,
}

/// <summary>
/// One line per event (ts, level, event, then fields), the format of both binaries: a transition is a single
/// greppable line, and tests parse what happened without a logging framework in the NativeAOT agent.
/// </summary>
public sealed class StructuredLog(TextWriter output, TimeProvider time, LogFormat format = LogFormat.Logfmt)
{
    private readonly Lock _gate = new();

    /// <summary>Parses a --log-format value ("logfmt" or "json").</summary>
    public static bool TryParseFormat(string text, out LogFormat format) =>
        Enum.TryParse(text, ignoreCase: true, out format) && Enum.IsDefined(format);

    public void Info(string eventName, params (string Key, object? Value)[] fields) => Write("info", eventName, fields);

    public void Warn(string eventName, params (string Key, object? Value)[] fields) => Write("warn", eventName, fields);

    public void Error(string eventName, params (string Key, object? Value)[] fields) => Write("error", eventName, fields);

    private void Write(string level, string eventName, (string Key, object? Value)[] fields)
    {
        string ts = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        string line = format == LogFormat.Json ? JsonLine(ts, level, eventName, fields) : LogfmtLine(ts, level, eventName, fields);
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static string Text(object? value) => System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static string LogfmtLine(string ts, string level, string eventName, (string Key, object? Value)[] fields)
    {
        var line = new StringBuilder(128);
        line.Append("ts=").Append(ts).Append(" level=").Append(level).Append(" event=").Append(eventName);
        foreach (var (key, value) in fields)
        {
            string text = Text(value);
            line.Append(' ').Append(key).Append('=');
            if (text.Length == 0 || text.AsSpan().IndexOfAny(" \"=\t\n") >= 0)
            {
                line.Append('"').Append(text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                line.Append(text);
            }
        }
        return line.ToString();
    }

    private static string JsonLine(string ts, string level, string eventName, (string Key, object? Value)[] fields)
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("ts", ts);
            json.WriteString("level", level);
            json.WriteString("event", eventName);
            foreach (var (key, value) in fields)
            {
                json.WriteString(key, Text(value));
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
