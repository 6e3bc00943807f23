using System.Text;
using KeepOperator.Api.Logging;

namespace KeepOperator.NodeAgent.Tests.Hosting;

/// <summary>An <see cref="StructuredLog"/> whose lines tests can read while other threads write them.</summary>
public sealed class CapturedLog : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public CapturedLog() => Log = new StructuredLog(this, TimeProvider.System);

    public StructuredLog Log { get; }

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }

    public bool Has(string eventName) => Lines.Any(l => l.Contains($" event={eventName}", StringComparison.Ordinal));

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override string ToString() => string.Join('\n', Lines);
}
