namespace KeepOperator.Fuzz;

/// <summary>
/// One kind of untrusted input and the code that reads it, as the fuzzers drive it. <see cref="Run"/> returns the
/// outcome (<see cref="FuzzOutcome.Accepted"/> or why the input was rejected) so that every rejection is counted; any
/// exception it lets out is a bug (a crash), and so is not returning in time (a hang).
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name tools/fuzz.sh and the command line know it by, e.g. <c>vrrp-packet</c>.</summary>
    string Name { get; }

    /// <summary>Tokens worth inserting (keywords, magic bytes): afl-fuzz's <c>-x</c> dictionary and the campaign's mutator use them.</summary>
    IReadOnlyList<byte[]> Dictionary { get; }

    /// <summary>The seed inputs one sample file makes (a golden capture holds many datagrams; a configuration is one input).</summary>
    IEnumerable<byte[]> SeedsFrom(string path);

    string Run(ReadOnlySpan<byte> input);
}
