using System.Diagnostics;

namespace KeepOperator.NodeAgent.Nftables;

/// <summary>
/// Runs the nft binary with the script on standard input. <paramref name="fileName"/> and
/// <paramref name="leadingArguments"/> allow a wrapper, e.g. <c>ip netns exec NS nft</c>;
/// <c>-f -</c> is appended.
/// </summary>
public sealed class NftProcessRunner(string fileName = "nft", IReadOnlyList<string>? leadingArguments = null) : INftablesRunner
{
    public async Task RunAsync(string script, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(script);
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in leadingArguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add("-");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardInput.WriteAsync(script.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await output.ConfigureAwait(false);
            string message = await error.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new NftablesException(process.ExitCode, message);
            }
        }
        catch (OperationCanceledException)
        {
            // nft applies its transaction atomically, so stopping it leaves either all or nothing.
            process.Kill();
            throw;
        }
    }
}
