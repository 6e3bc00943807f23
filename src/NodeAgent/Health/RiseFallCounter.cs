namespace KeepOperator.NodeAgent.Health;

/// <summary>A tracked check's state: no result yet, OK, or failed.</summary>
public enum TrackState
{
    Init,
    Ok,
    Failed,
}

/// <summary>
/// keepalived's rise/fall hysteresis for a vrrp_script, as a pure counter.
/// A failed check becomes OK after <see cref="Rise"/> consecutive successes; an OK check becomes failed after
/// <see cref="Fall"/> consecutive failures. Initial state: <see cref="TrackState.Init"/>, and the first result decides
/// at once (a success makes it OK, a failure makes it failed), as keepalived does for a script without init_fail
/// ("one success is enough", one failure too); from there on rise and fall apply.
/// </summary>
public sealed class RiseFallCounter
{
    private int result;

    public RiseFallCounter(int rise, int fall)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rise, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fall, 1);
        Rise = rise;
        Fall = fall;
        result = rise - 1;
    }

    public int Rise { get; }

    public int Fall { get; }

    public TrackState State { get; private set; } = TrackState.Init;

    /// <summary>Records one probe result; true when <see cref="State"/> changed.</summary>
    public bool Record(bool success)
    {
        var before = State;
        if (success)
        {
            result = result < Rise - 1 ? result + 1 : Rise + Fall - 1;
        }
        else
        {
            result = result > Rise ? result - 1 : 0;
        }

        State = result >= Rise ? TrackState.Ok : TrackState.Failed;
        return State != before;
    }
}
