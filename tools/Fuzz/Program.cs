using System.Globalization;
using System.Text;
using KeepOperator.Fuzz;
using SharpFuzz;

// keepoperator-fuzz: the fuzz targets' command line (FuzzCommandLine), for tools/fuzz.sh and for replaying what a campaign found.
var parsed = FuzzCommandLine.Parse(args);
if (!parsed.TryGetOptions(Console.Out, Console.Error, out var invocation))
{
    return parsed.ExitCode;
}

var (target, rest, options) = (invocation.Target, invocation.Paths, invocation.Options);
switch (invocation.Mode)
{
    case "afl":
        // An exception escaping the action is what afl-fuzz records as a crash; a run past its -t limit as a hang.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;
    case "seeds":
        Directory.CreateDirectory(rest[0]);
        var seeds = Seeds(target, rest.Skip(1)).DistinctBy(Convert.ToHexString).ToList();
        for (int i = 0; i < seeds.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(rest[0], string.Create(CultureInfo.InvariantCulture, $"seed-{i:D3}")), seeds[i]);
        }

        Console.WriteLine($"{target.Name}: {seeds.Count} seeds in {rest[0]}");
        return seeds.Count > 0 ? 0 : 1;
    case "dict":
        File.WriteAllLines(rest[0], target.Dictionary.Select((token, i) => $"token{i}=\"{AflEscape(token)}\""));
        return 0;
    case "replay":
        var inputs = rest.SelectMany(p => Directory.Exists(p) ? InputsIn(p) : [p]);
        return Report(FuzzCampaign.Replay(target, inputs.Select(File.ReadAllBytes), options));
    case "campaign":
        return Report(FuzzCampaign.Run(target, Seeds(target, rest).ToList(), options));
    default:
        throw new InvalidOperationException($"no such mode: {invocation.Mode}");
}

static IEnumerable<byte[]> Seeds(IFuzzTarget target, IEnumerable<string> files) => files.SelectMany(target.SeedsFrom);

// afl-fuzz keeps a README.txt beside the crashing inputs.
static IEnumerable<string> InputsIn(string folder) =>
    Directory.GetFiles(folder).Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

static int Report(FuzzCampaignResult result)
{
    Console.Write(result.Summary());
    return result.Passed ? 0 : 1;
}

// afl-fuzz dictionaries take printable ASCII as is and everything else as \xNN.
static string AflEscape(byte[] token)
{
    var text = new StringBuilder();
    foreach (var b in token)
    {
        text.Append(b is >= 0x20 and < 0x7f and not (byte)'"' and not (byte)'\\' ? ((char)b).ToString() : string.Create(CultureInfo.InvariantCulture, $"\\x{b:x2}"));
    }

    return text.ToString();
}
