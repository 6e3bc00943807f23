using KeepOperator.Operator.Reconcile;
using Xunit;

namespace KeepOperator.Operator.Tests.Reconcile;

public sealed class EventCorrelatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 7, 0, 0, TimeSpan.Zero);
    private static readonly EventSubject Web = new("keepoperator.io/v1alpha1", "VirtualIp", null, "web", "uid-1", "1");
    private static readonly EventSubject Db = Web with { Name = "db" };

    private static EventSpec Became(int n) => new("Normal", "BecameMaster", $"n{n} became master (priority 100)");

    [Fact]
    public void AFlappingObject_GetsItsBurst_ThenOnePerRefillInterval_OthersAreNotHeldBack()
    {
        var correlator = new EventCorrelator { Burst = 3, RefillInterval = TimeSpan.FromMinutes(5) };
        var decisions = Enumerable.Range(0, 5).Select(i => correlator.Decide(Web, Became(i), T0.AddSeconds(i)).Kind).ToList();
        Assert.Equal([EventDecisionKind.Create, EventDecisionKind.Create, EventDecisionKind.Create, EventDecisionKind.Drop, EventDecisionKind.Drop], decisions);

        Assert.Equal(EventDecisionKind.Create, correlator.Decide(Db, Became(1), T0.AddSeconds(5)).Kind);
        Assert.Equal(EventDecisionKind.Drop, correlator.Decide(Web, Became(9), T0.AddMinutes(4)).Kind);
        Assert.Equal(EventDecisionKind.Create, correlator.Decide(Web, Became(9), T0.AddMinutes(5).AddSeconds(5)).Kind);
        Assert.Equal(EventDecisionKind.Drop, correlator.Decide(Web, Became(9), T0.AddMinutes(6)).Kind);
    }

    [Fact]
    public void TheSameEventAgain_WithinTheWindow_CountsOnTheOneRecorded()
    {
        var correlator = new EventCorrelator { DedupWindow = TimeSpan.FromMinutes(10) };
        Assert.Equal(EventDecision.Create, correlator.Decide(Web, Became(1), T0));
        correlator.Created(Web, Became(1), "web.abc", T0);

        Assert.Equal(EventDecision.Increment("web.abc", 2, T0), correlator.Decide(Web, Became(1), T0.AddMinutes(1)));
        Assert.Equal(EventDecision.Increment("web.abc", 3, T0), correlator.Decide(Web, Became(1), T0.AddMinutes(2)));
        Assert.Equal(EventDecision.Create, correlator.Decide(Web, Became(2), T0.AddMinutes(2)));
        Assert.Equal(EventDecision.Create, correlator.Decide(Db, Became(1), T0.AddMinutes(2)));

        // Ten quiet minutes after the last repeat: a new Event.
        Assert.Equal(EventDecision.Create, correlator.Decide(Web, Became(1), T0.AddMinutes(12).AddSeconds(1)));
    }
}
