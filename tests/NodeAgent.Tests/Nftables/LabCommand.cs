using System.Diagnostics;

namespace KeepOperator.NodeAgent.Tests.Nftables;

/// <summary>Runs a command to completion within a time limit; a command that overruns is killed (by its own PID).</summary>
public static class LabCommand
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(TimeSpan limit, string fileName, params string[] arguments) => RunWithInput(limit, null, fileName, arguments);

    public static Result RunWithInput(TimeSpan limit, string? input, string fileName, params string[] arguments)
    {
        using var process = Start(fileName, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }
        process.StandardInput.Close();
        if (!process.WaitForExit(limit))
        {
            process.Kill();
            process.WaitForExit();
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} ran past {limit.TotalSeconds} s.");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Like <see cref="Run(TimeSpan, string, string[])"/>, but a non-zero exit fails with the command's stderr.</summary>
    public static string Check(TimeSpan limit, string fileName, params string[] arguments)
    {
        var result = Run(limit, fileName, arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.Error.Trim()}");
        }
        return result.Output;
    }

    public static Process Start(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
    }
}
