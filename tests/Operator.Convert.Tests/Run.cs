namespace KeepOperator.Operator.Convert.Tests;

/// <summary>Runs the command in-process and captures what it prints.</summary>
internal sealed record Run(int ExitCode, string Stdout, string Stderr)
{
    public static Run Convert(params string[] args) => Convert(PhysicalConfigFileSource.Instance, args);

    public static Run Convert(IConfigFileSource files, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        // `keepoperator convert ARGS`, parsed as the operator parses it, then run on the given files.
        var parsed = KeepOperator.Operator.Hosting.OperatorCommandLine.Parse(["convert", .. args], new KeepOperator.Operator.Hosting.OperatorOptions());
        var code = parsed.TryGetOptions(stdout, stderr, out var command)
            ? KeepalivedConvertCommand.Run(Xunit.Assert.IsType<KeepOperator.Operator.Hosting.ConvertKeepalived>(command).Options, stdout, stderr, files)
            : parsed.ExitCode;
        return new Run(code, stdout.ToString(), stderr.ToString());
    }

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
