namespace KeepOperator.NodeAgent.Health;

/// <summary>keepalived's effective-priority arithmetic for tracked checks.</summary>
public static class TrackedPriority
{
    /// <summary>
    /// The base priority plus every positive weight whose check is OK and every negative weight whose check fails,
    /// clamped to 1..254. An address owner (255) is never changed. Weight 0 does not change the priority
    /// (a failing weight-0 check means FAULT instead: <see cref="IsFault"/>).
    /// </summary>
    public static byte Compute(byte basePriority, IEnumerable<(int Weight, bool Ok)> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        if (basePriority == 255)
        {
            return 255;
        }

        var total = (int)basePriority;
        foreach (var (weight, ok) in checks)
        {
            if ((weight > 0 && ok) || (weight < 0 && !ok))
            {
                total += weight;
            }
        }

        return (byte)Math.Clamp(total, 1, 254);
    }

    /// <summary>True when a weight-0 check fails: keepalived puts the instance in FAULT.</summary>
    public static bool IsFault(IEnumerable<(int Weight, bool Ok)> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        return checks.Any(c => c.Weight == 0 && !c.Ok);
    }
}
