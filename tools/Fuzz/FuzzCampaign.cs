using System.Diagnostics;

namespace KeepOperator.Fuzz;

/// <summary>
/// Runs a target in-process on inputs, each on the thread pool under <see cref="FuzzCampaignOptions.InputTimeout"/>:
/// an exception is a crash, running too long a hang (the campaign stops there, the runaway input's thread is left
/// behind). <see cref="Run"/> mutates the seeds with <see cref="FuzzMutator"/>, without coverage feedback: an input
/// with an outcome not seen before joins the corpus. <see cref="Replay"/> runs given inputs as they are.
/// </summary>
public static class FuzzCampaign
{
    private const int MaxCorpus = 1024;

    public static FuzzCampaignResult Run(IFuzzTarget target, IReadOnlyList<byte[]> seeds, FuzzCampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random(options.RandomSeed);
        var mutator = new FuzzMutator(random, target.Dictionary, options.MaxInputLength);
        var corpus = seeds.Count > 0 ? seeds.ToList() : [[]];
        var result = new FuzzCampaignResult(target.Name);
        long start = options.Time.GetTimestamp();
        bool Within() => result.Executions < options.MaxInputs && options.Time.GetElapsedTime(start) < options.Duration;

        foreach (var seed in corpus.ToList())
        {
            if (!Within() || !Execute(target, seed, options, result, out _))
            {
                break;
            }
        }

        while (Within() && result.Hang is null && result.Crashes.Count < options.MaxCrashes)
        {
            var input = mutator.Mutate(corpus[random.Next(corpus.Count)], corpus);
            if (Execute(target, input, options, result, out bool novel) && novel && corpus.Count < MaxCorpus)
            {
                corpus.Add(input);
            }
        }

        result.Elapsed = options.Time.GetElapsedTime(start);
        return result;
    }

    public static FuzzCampaignResult Replay(IFuzzTarget target, IEnumerable<byte[]> inputs, FuzzCampaignOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        var result = new FuzzCampaignResult(target.Name);
        long start = options.Time.GetTimestamp();
        foreach (var input in inputs)
        {
            if (!Execute(target, input, options, result, out _))
            {
                break;
            }
        }

        result.Elapsed = options.Time.GetElapsedTime(start);
        return result;
    }

    /// <summary>Runs one input and records it; false after a hang (nothing more can run on that target safely).</summary>
    private static bool Execute(IFuzzTarget target, byte[] input, FuzzCampaignOptions options, FuzzCampaignResult result, out bool novel)
    {
        novel = false;
        var timeout = result.Executions == 0 ? options.WarmUpTimeout : options.InputTimeout;
        var run = Task.Run(() => target.Run(input));
        try
        {
            if (!run.Wait(timeout))
            {
                result.SetHang(new FuzzFinding(input, $"still running after {timeout.TotalMilliseconds:F0} ms"));
                return false;
            }

            novel = !result.AddOutcome(run.Result);
        }
        catch (AggregateException e)
        {
            var error = e.InnerException ?? e;
            result.AddCrash(new FuzzFinding(input, Describe(error)));
        }

        return true;
    }

    /// <summary>The exception and where it was thrown, first frames only: enough to tell one bug from another.</summary>
    private static string Describe(Exception error)
    {
        var frames = new StackTrace(error, fNeedFileInfo: true).GetFrames().Take(4).Select(f => $"at {f.GetMethod()?.DeclaringType?.Name}.{f.GetMethod()?.Name}:{f.GetFileLineNumber()}");
        return $"{error.GetType().Name}: {error.Message} {string.Join(" ", frames)}";
    }
}
