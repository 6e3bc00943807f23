using System.Diagnostics;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>
/// A long-running process the lab started inside a namespace (via <c>ip netns exec</c>, which execs, so the
/// PID is the program's own). Its stdout and stderr lines are kept in memory and written to a log file.
/// </summary>
public sealed class LabProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<string> _errorLines = [];
    private readonly List<string> _allLines = [];
    private readonly List<DateTime> _arrivals = [];
    private readonly StreamWriter _log;
    private readonly object _gate = new();
    private bool _disposed;
    private int? _exitCode;

    internal LabProcess(string name, string logFile, string file, IEnumerable<string> args)
    {
        Name = name;
        LogFile = logFile;
        _log = new StreamWriter(logFile, append: false) { AutoFlush = true };
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        CommandLine = file + " " + string.Join(' ', psi.ArgumentList);
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Add(e.Data, _lines, string.Empty);
        _process.ErrorDataReceived += (_, e) => Add(e.Data, _errorLines, "stderr: ");
        _process.Start();
        Started = Stopwatch.StartNew();
        Pid = _process.Id;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public string LogFile { get; }

    public string CommandLine { get; }

    public int Pid { get; }

    /// <summary>Runs from the moment the process was started.</summary>
    public Stopwatch Started { get; }

    public bool HasExited => _disposed || _process.HasExited;

    public int? ExitCode => _disposed ? _exitCode : _process.HasExited ? _process.ExitCode : null;

    /// <summary>Standard output lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Standard output and error lines so far, in arrival order (keepalived -l logs on stderr).</summary>
    public IReadOnlyList<string> AllLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _allLines];
            }
        }
    }

    /// <summary>Standard output and error lines that arrived between <paramref name="from"/> and <paramref name="to"/> (UTC), with their arrival times.</summary>
    public IReadOnlyList<(DateTime At, string Line)> LinesBetween(DateTime from, DateTime to)
    {
        lock (_gate)
        {
            return [.. _arrivals.Select((at, i) => (at, _allLines[i])).Where(l => l.at >= from && l.at <= to)];
        }
    }

    /// <summary>Standard error lines so far.</summary>
    public IReadOnlyList<string> ErrorLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _errorLines];
            }
        }
    }

    public bool Signal(int signal) => !HasExited && Native.Signal(Pid, signal);

    public bool WaitForExit(TimeSpan timeout)
    {
        if (_disposed)
        {
            return true;
        }

        if (!_process.WaitForExit(timeout))
        {
            return false;
        }

        _process.WaitForExit(); // drains the output events
        return true;
    }

    /// <summary>SIGKILL (by PID) if still running, then waits for it.</summary>
    public void Kill()
    {
        Signal(Native.SIGKILL);
        WaitForExit(TimeSpan.FromSeconds(5));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Kill();
        _exitCode = _process.HasExited ? _process.ExitCode : null;
        _disposed = true;
        _process.Dispose();
        lock (_gate)
        {
            _log.Dispose();
        }
    }

    private void Add(string? line, List<string> into, string prefix)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            into.Add(line);
            _allLines.Add(line);
            _arrivals.Add(DateTime.UtcNow);
            try
            {
                _log.WriteLine(prefix + line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
