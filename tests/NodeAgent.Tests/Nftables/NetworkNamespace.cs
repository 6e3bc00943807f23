namespace KeepOperator.NodeAgent.Tests.Nftables;

/// <summary>A network namespace of our own with a unique name, deleted on dispose.</summary>
public sealed class NetworkNamespace : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public NetworkNamespace(string role)
    {
        Name = $"ko-nft-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}-{role}";
        LabCommand.Check(Limit, "ip", "netns", "add", Name);
        Ip("link", "set", "lo", "up");
    }

    public string Name { get; }

    /// <summary><c>ip -n NAME ...</c>.</summary>
    public string Ip(params string[] arguments) => LabCommand.Check(Limit, "ip", ["-n", Name, .. arguments]);

    /// <summary>Runs a command inside the namespace.</summary>
    public LabCommand.Result Exec(TimeSpan limit, string? input, params string[] command) =>
        LabCommand.RunWithInput(limit, input, "ip", ["netns", "exec", Name, .. command]);

    /// <summary><c>nft -c -f FILE</c> inside the namespace: the kernel validates the transaction and discards it.</summary>
    public LabCommand.Result CheckScript(string script)
    {
        string file = Path.Combine(Path.GetTempPath(), $"{Name}-{Guid.NewGuid():N}.nft");
        File.WriteAllText(file, script);
        try
        {
            return Exec(Limit, null, "nft", "-c", "-f", file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public void Dispose() => LabCommand.Run(Limit, "ip", "netns", "del", Name);
}
