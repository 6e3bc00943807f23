using System.Globalization;
using System.Text;

namespace KeepOperator.Api.Logging;

/// <summary>
/// One logfmt line per event (ts, level, event, then fields), the format of both binaries: a transition is a single
/// greppable line, and tests parse what happened without a logging framework in the NativeAOT agent.
/// </summary>
public sealed class LogfmtLog(TextWriter output, TimeProvider time)
{
    private readonly Lock _gate = new();

    public void Info(string eventName, params (string Key, object? Value)[] fields) => Write("info", eventName, fields);

    public void Warn(string eventName, params (string Key, object? Value)[] fields) => Write("warn", eventName, fields);

    public void Error(string eventName, params (string Key, object? Value)[] fields) => Write("error", eventName, fields);

    private void Write(string level, string eventName, (string Key, object? Value)[] fields)
    {
        var line = new StringBuilder(128);
        line.Append("ts=").Append(time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        line.Append(" level=").Append(level).Append(" event=").Append(eventName);
        foreach (var (key, value) in fields)
        {
            line.Append(' ').Append(key).Append('=');
            AppendValue(line, System.Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
        }
        lock (_gate)
        {
            output.WriteLine(line.ToString());
            output.Flush();
        }
    }

    private static void AppendValue(StringBuilder line, string value)
    {
        bool quote = value.Length == 0 || value.AsSpan().IndexOfAny(" \"=\t\n") >= 0;
        if (!quote)
        {
            line.Append(value);
            return;
        }
        line.Append('"').Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');
    }
}
