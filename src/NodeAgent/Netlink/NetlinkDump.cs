namespace KeepOperator.NodeAgent.Netlink;

/// <summary>Runs a dump request, starting over when the kernel flags it interrupted (NLM_F_DUMP_INTR).</summary>
internal static class NetlinkDump
{
    private const int Attempts = 5;

    public static IReadOnlyList<NetlinkMessage> Run(NetlinkSocket socket, Func<uint, byte[]> build)
    {
        for (int attempt = 1; ; attempt++)
        {
            var replies = socket.Request(build(socket.NextSequence()));
            bool interrupted = false;
            foreach (var reply in replies)
            {
                interrupted |= (reply.Flags & NetlinkConstants.NlmFDumpIntr) != 0;
            }
            if (!interrupted || attempt == Attempts)
            {
                return replies;
            }
        }
    }
}
