using System.Globalization;
using System.Text;

namespace KeepOperator.Operator.Hosting;

/// <summary>
/// One logfmt line per event (ts, level, event, then fields), the agent's log format (NodeAgent's AgentLog), so both
/// binaries' logs read and grep alike without a logging framework.
/// </summary>
public sealed class OperatorLog(TextWriter output, TimeProvider time)
{
    private readonly Lock gate = new();

    public void Info(string eventName, params (string Key, object? Value)[] fields) => Write("info", eventName, fields);

    public void Warn(string eventName, params (string Key, object? Value)[] fields) => Write("warn", eventName, fields);

    private void Write(string level, string eventName, (string Key, object? Value)[] fields)
    {
        var line = new StringBuilder(128);
        line.Append("ts=").Append(time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        line.Append(" level=").Append(level).Append(" event=").Append(eventName);
        foreach (var (key, value) in fields)
        {
            var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
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

        lock (gate)
        {
            output.WriteLine(line.ToString());
            output.Flush();
        }
    }
}
