using System.Globalization;
using System.Text;

namespace KeepOperator.Fuzz;

/// <summary>What a campaign ran: every input is one outcome (accepted or a rejection reason), a crash, or the hang that stopped it.</summary>
public sealed class FuzzCampaignResult(string target)
{
    private readonly SortedDictionary<string, long> outcomes = new(StringComparer.Ordinal);
    private readonly List<FuzzFinding> crashes = [];

    public string Target { get; } = target;

    public long Executions { get; private set; }

    public IReadOnlyDictionary<string, long> Outcomes => outcomes;

    public IReadOnlyList<FuzzFinding> Crashes => crashes;

    public FuzzFinding? Hang { get; private set; }

    public TimeSpan Elapsed { get; internal set; }

    public long Accepted => outcomes.GetValueOrDefault(FuzzOutcome.Accepted);

    public long Rejected => outcomes.Where(o => o.Key != FuzzOutcome.Accepted).Sum(o => o.Value);

    public bool Passed => crashes.Count == 0 && Hang is null;

    /// <summary>Counts one input; false when it was new (an outcome not seen before).</summary>
    internal bool AddOutcome(string outcome)
    {
        Executions++;
        bool seen = outcomes.TryGetValue(outcome, out var count);
        outcomes[outcome] = count + 1;
        return seen;
    }

    internal void AddCrash(FuzzFinding crash)
    {
        Executions++;
        crashes.Add(crash);
    }

    internal void SetHang(FuzzFinding hang)
    {
        Executions++;
        Hang = hang;
    }

    /// <summary>One line of totals, then one per outcome, then the findings.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        var rate = Elapsed > TimeSpan.Zero ? Executions / Elapsed.TotalSeconds : 0;
        text.Append(CultureInfo.InvariantCulture,
            $"{Target}: {Executions} inputs in {Elapsed.TotalSeconds:F1} s ({rate:F0}/s): {Accepted} accepted, {Rejected} rejected, {crashes.Count} crashed, {(Hang is null ? 0 : 1)} hung\n");
        foreach (var (outcome, count) in outcomes.Where(o => o.Key != FuzzOutcome.Accepted))
        {
            text.Append(CultureInfo.InvariantCulture, $"  rejected {count,8}  {outcome}\n");
        }

        foreach (var crash in crashes)
        {
            text.Append(CultureInfo.InvariantCulture, $"  CRASH {crash}\n");
        }

        if (Hang is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"  HANG {Hang}\n");
        }

        return text.ToString();
    }
}
