namespace KeepOperator.Operator.Convert.Tests;

/// <summary>Runs the command in-process and captures what it prints.</summary>
internal sealed record Run(int ExitCode, string Stdout, string Stderr)
{
    public static Run Convert(params string[] args) => Convert(PhysicalConfigFileSource.Instance, args);

    public static Run Convert(IConfigFileSource files, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var code = KeepalivedConvertCommand.Run(args, stdout, stderr, files);
        return new Run(code, stdout.ToString(), stderr.ToString());
    }

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
