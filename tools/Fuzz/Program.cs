using System.Globalization;
using System.Text;
using KeepOperator.Fuzz;
using SharpFuzz;

// keepoperator-fuzz: the fuzz targets' command line, for tools/fuzz.sh and for replaying what a campaign found.
const string Usage = """
    usage: keepoperator-fuzz afl TARGET                          run under afl-fuzz (SharpFuzz; input on the fork server)
           keepoperator-fuzz seeds TARGET DIR FILE...            write the seed inputs FILE... make into DIR
           keepoperator-fuzz dict TARGET FILE                    write TARGET's tokens as an afl-fuzz dictionary
           keepoperator-fuzz replay TARGET PATH...               run the inputs in PATH... (files or folders), count outcomes
           keepoperator-fuzz campaign TARGET [--seed N] [--inputs N] [--seconds S] FILE...
                                                                 in-process campaign from the seeds FILE... make
    common: --timeout-ms N (an input running longer is a hang; default 2000)
    targets: vrrp-packet, keepalived-conf; exit status 1 when an input crashed or hung
    """;

if (args.Length < 2 || FuzzTargets.Find(args[1]) is not { } target)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

var rest = args.Skip(2).ToList();
var options = new FuzzCampaignOptions
{
    RandomSeed = TakeOption(rest, "--seed", 1),
    MaxInputs = TakeOption(rest, "--inputs", int.MaxValue),
    Duration = TimeSpan.FromSeconds(TakeOption(rest, "--seconds", 10)),
    InputTimeout = TimeSpan.FromMilliseconds(TakeOption(rest, "--timeout-ms", 2000)),
};

switch (args[0])
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
    case "seeds" when rest.Count >= 2:
        Directory.CreateDirectory(rest[0]);
        var seeds = Seeds(target, rest.Skip(1)).DistinctBy(Convert.ToHexString).ToList();
        for (int i = 0; i < seeds.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(rest[0], string.Create(CultureInfo.InvariantCulture, $"seed-{i:D3}")), seeds[i]);
        }

        Console.WriteLine($"{target.Name}: {seeds.Count} seeds in {rest[0]}");
        return seeds.Count > 0 ? 0 : 1;
    case "dict" when rest.Count == 1:
        File.WriteAllLines(rest[0], target.Dictionary.Select((token, i) => $"token{i}=\"{AflEscape(token)}\""));
        return 0;
    case "replay" when rest.Count >= 1:
        var inputs = rest.SelectMany(p => Directory.Exists(p) ? InputsIn(p) : [p]);
        return Report(FuzzCampaign.Replay(target, inputs.Select(File.ReadAllBytes), options));
    case "campaign" when rest.Count >= 1:
        return Report(FuzzCampaign.Run(target, Seeds(target, rest).ToList(), options));
    default:
        Console.Error.WriteLine(Usage);
        return 2;
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

static int TakeOption(List<string> args, string name, int fallback)
{
    int at = args.IndexOf(name);
    if (at < 0 || at + 1 >= args.Count)
    {
        return fallback;
    }

    var value = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
    args.RemoveRange(at, 2);
    return value;
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
