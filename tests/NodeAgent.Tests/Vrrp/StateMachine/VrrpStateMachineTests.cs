using System.Net;
using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;
using static KeepOperator.NodeAgent.Tests.Vrrp.StateMachine.VrrpTestKit;

namespace KeepOperator.NodeAgent.Tests.Vrrp.StateMachine;

public class VrrpStateMachineTests
{
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private static VrrpInstanceState Backup(VrrpRouterConfig config, DateTimeOffset? at = null)
    {
        VrrpStep step = Step(VrrpStateMachine.Create(config), new VrrpEvent.Startup(), at ?? T0);
        Assert.Equal(VrrpState.Backup, step.State.State);
        return step.State;
    }

    private static VrrpInstanceState Master(VrrpRouterConfig config)
    {
        VrrpInstanceState s = Backup(config);
        VrrpStep step = Step(s, new VrrpEvent.TimerExpired(), s.MasterDownTimer!.Value);
        Assert.Equal(VrrpState.Master, step.State.State);
        return step.State;
    }

    private static StateChanged SingleChange(VrrpStep step) => Assert.Single(step.Actions.OfType<StateChanged>());

    // ---- Create / Startup ----

    [Fact]
    public void CreateIsInitializeWithNothingArmed()
    {
        VrrpInstanceState s = VrrpStateMachine.Create(RouterConfig(priority: 120, interval: TimeSpan.FromMilliseconds(50)));
        Assert.Equal(VrrpState.Initialize, s.State);
        Assert.Equal(120, s.EffectivePriority);
        Assert.Equal(TimeSpan.FromMilliseconds(50), s.MasterAdvertInterval);
        Assert.Null(s.NextDeadline);
        Assert.Null(s.StartedAt);
        Assert.True(s.InterfaceIsUp);
    }

    [Fact]
    public void CreateRejectsPriorityZeroAndNonPositiveInterval()
    {
        Assert.Throws<ArgumentException>(() => VrrpStateMachine.Create(RouterConfig(priority: 0)));
        Assert.Throws<ArgumentException>(() => VrrpStateMachine.Create(RouterConfig(interval: TimeSpan.Zero)));
        Assert.Throws<ArgumentException>(() => VrrpStateMachine.Create(RouterConfig(preemptDelay: TimeSpan.FromSeconds(-1))));
    }

    [Fact]
    public void StartupOwnerBecomesMasterAtOnce()
    {
        VrrpStep step = Step(VrrpStateMachine.Create(RouterConfig(priority: 255)), new VrrpEvent.Startup(), T0);
        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Equal(
            new VrrpAction[]
            {
                new SendAdvertisement(255, OneSecond),
                new TakeAddresses(),
                new StateChanged(VrrpState.Initialize, VrrpState.Master, VrrpTransitionReason.StartupOwner, 255),
            },
            step.Actions);
        Assert.Equal(T0 + OneSecond, step.State.AdverTimer);
        Assert.Equal(T0 + OneSecond, step.State.NextDeadline);
        Assert.Equal(T0, step.State.StartedAt);
    }

    [Theory]
    [InlineData(VrrpVersion.V3, 1000)]
    [InlineData(VrrpVersion.V3, 50)]
    [InlineData(VrrpVersion.V2, 1000)]
    public void StartupNonOwnerBecomesBackupWithMasterDownTimer(VrrpVersion version, int intervalMs)
    {
        TimeSpan interval = TimeSpan.FromMilliseconds(intervalMs);
        VrrpStep step = Step(VrrpStateMachine.Create(RouterConfig(priority: 100, version: version, interval: interval)), new VrrpEvent.Startup(), T0);
        Assert.Equal(VrrpState.Backup, step.State.State);
        Assert.Equal(new VrrpAction[] { new StateChanged(VrrpState.Initialize, VrrpState.Backup, VrrpTransitionReason.Startup, 100) }, step.Actions);
        Assert.Equal(T0 + VrrpTimers.MasterDownInterval(version, 100, interval), step.State.MasterDownTimer);
        Assert.Equal(step.State.MasterDownTimer, step.State.NextDeadline);
        Assert.Null(step.State.AdverTimer);
    }

    [Fact]
    public void StartupWhenRunningIsIgnored()
    {
        VrrpInstanceState s = Backup(RouterConfig());
        VrrpStep step = Step(s, new VrrpEvent.Startup(), T0 + OneSecond);
        Assert.Same(s, step.State);
        Assert.Empty(step.Actions);
    }

    [Fact]
    public void StartupUsesEffectivePriorityChangedBeforehand()
    {
        VrrpInstanceState s = Step(VrrpStateMachine.Create(RouterConfig(priority: 100)), new VrrpEvent.PriorityChanged(50), T0).State;
        VrrpStep step = Step(s, new VrrpEvent.Startup(), T0);
        Assert.Equal(T0 + VrrpTimers.MasterDownInterval(VrrpVersion.V3, 50, OneSecond), step.State.MasterDownTimer);
        Assert.Equal(50, SingleChange(step).EffectivePriority);
    }

    // ---- Backup receives ----

    [Fact]
    public void BackupHearingPriorityZeroWaitsOnlySkewTime()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 100));
        DateTimeOffset now = T0 + TimeSpan.FromMilliseconds(700);
        VrrpStep step = Step(s, Received(Advert(0)), now);
        Assert.Empty(step.Actions);
        Assert.Equal(VrrpState.Backup, step.State.State);
        Assert.Equal(now + TimeSpan.FromSeconds(156.0 / 256), step.State.MasterDownTimer);
        Assert.Equal(now + s.SkewTime, step.State.MasterDownTimer);

        VrrpStep fired = Step(step.State, new VrrpEvent.TimerExpired(), step.State.MasterDownTimer!.Value);
        Assert.Equal(VrrpState.Master, fired.State.State);
        Assert.Equal(VrrpTransitionReason.MasterReleased, SingleChange(fired).Reason);
    }

    [Fact]
    public void BackupAcceptsHigherPriorityAndAdoptsV3Interval()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 100));
        DateTimeOffset now = T0 + TimeSpan.FromSeconds(2);
        VrrpStep step = Step(s, Received(Advert(200, interval: TimeSpan.FromMilliseconds(200))), now);
        Assert.Empty(step.Actions);
        Assert.Equal(TimeSpan.FromMilliseconds(200), step.State.MasterAdvertInterval);
        Assert.Equal(now + VrrpTimers.MasterDownInterval(VrrpVersion.V3, 100, TimeSpan.FromMilliseconds(200)), step.State.MasterDownTimer);
        Assert.Equal(HigherPeer, step.State.MasterAddress);
        Assert.Equal((byte)200, step.State.MasterPriority);
    }

    [Fact]
    public void V2BackupKeepsTheConfiguredInterval()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 100, version: VrrpVersion.V2, interval: TimeSpan.FromSeconds(2)));
        DateTimeOffset now = T0 + TimeSpan.FromSeconds(2);
        VrrpStep step = Step(s, Received(Advert(200, interval: TimeSpan.FromSeconds(5), version: VrrpVersion.V2)), now);
        Assert.Equal(TimeSpan.FromSeconds(2), step.State.MasterAdvertInterval);
        Assert.Equal(now + TimeSpan.FromSeconds(6) + TimeSpan.FromSeconds(156.0 / 256), step.State.MasterDownTimer);
    }

    [Fact]
    public void BackupAcceptsEqualPriorityWhateverTheAddress()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 100));
        DateTimeOffset now = T0 + TimeSpan.FromSeconds(1);
        VrrpStep step = Step(s, Received(Advert(100, source: LowerPeer)), now);
        Assert.Equal(now + s.MasterDownInterval, step.State.MasterDownTimer);
    }

    [Fact]
    public void BackupWithPreemptDiscardsLowerPriorityAndTakesOverWhenTheTimerRunsOut()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 150));
        DateTimeOffset? down = s.MasterDownTimer;
        VrrpStep step = Step(s, Received(Advert(100, interval: TimeSpan.FromMilliseconds(100))), T0 + TimeSpan.FromSeconds(1));
        Assert.Empty(step.Actions);
        Assert.Equal(down, step.State.MasterDownTimer);
        Assert.Equal(OneSecond, step.State.MasterAdvertInterval);

        VrrpStep fired = Step(step.State, new VrrpEvent.TimerExpired(), down!.Value);
        Assert.Equal(VrrpState.Master, fired.State.State);
        Assert.Equal(
            new VrrpAction[]
            {
                new SendAdvertisement(150, OneSecond),
                new TakeAddresses(),
                new StateChanged(VrrpState.Backup, VrrpState.Master, VrrpTransitionReason.Preempt, 150),
            },
            fired.Actions);
        Assert.Equal(down.Value + OneSecond, fired.State.AdverTimer);
    }

    [Fact]
    public void BackupWithoutPreemptAcceptsLowerPriority()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 150, preempt: false));
        DateTimeOffset now = T0 + TimeSpan.FromSeconds(1);
        VrrpStep step = Step(s, Received(Advert(100, interval: TimeSpan.FromMilliseconds(100))), now);
        Assert.Equal(TimeSpan.FromMilliseconds(100), step.State.MasterAdvertInterval);
        Assert.Equal(now + step.State.MasterDownInterval, step.State.MasterDownTimer);
    }

    [Fact]
    public void BackupDoesNotPreemptDuringPreemptDelayAfterStartup()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 150, preemptDelay: TimeSpan.FromSeconds(10)));

        // A lower-priority master advertises every second: accepted (timer reset) for the first 10 s...
        for (int t = 1; t < 10; t++)
        {
            DateTimeOffset inside = T0 + TimeSpan.FromSeconds(t);
            s = Step(s, Received(Advert(100)), inside).State;
            Assert.Equal(inside + s.MasterDownInterval, s.MasterDownTimer);
        }

        // ...then discarded, so the timer runs out and we preempt.
        DateTimeOffset after = T0 + TimeSpan.FromSeconds(10);
        VrrpStep discarded = Step(s, Received(Advert(100)), after);
        Assert.Equal(s.MasterDownTimer, discarded.State.MasterDownTimer);
        VrrpStep fired = Step(discarded.State, new VrrpEvent.TimerExpired(), s.MasterDownTimer!.Value);
        Assert.Equal(VrrpTransitionReason.Preempt, SingleChange(fired).Reason);
    }

    [Fact]
    public void TimerRunningOutInsidePreemptDelayIsMasterDownNotPreempt()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 150, preemptDelay: TimeSpan.FromSeconds(30)));
        s = Step(s, Received(Advert(100)), T0 + OneSecond).State;
        VrrpStep fired = Step(s, new VrrpEvent.TimerExpired(), s.MasterDownTimer!.Value);
        Assert.Equal(VrrpTransitionReason.MasterDown, SingleChange(fired).Reason);
    }

    [Fact]
    public void PreemptDelayRestartsOnInterfaceUp()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 150, preemptDelay: TimeSpan.FromSeconds(10)));
        s = Step(s, new VrrpEvent.InterfaceDown(), T0 + TimeSpan.FromSeconds(20)).State;
        s = Step(s, new VrrpEvent.InterfaceUp(), T0 + TimeSpan.FromSeconds(30)).State;
        Assert.Equal(T0 + TimeSpan.FromSeconds(30), s.StartedAt);
        DateTimeOffset now = T0 + TimeSpan.FromSeconds(32);
        Assert.Equal(now + s.MasterDownInterval, Step(s, Received(Advert(100)), now).State.MasterDownTimer);
    }

    [Fact]
    public void BackupMasterDownTimerExpiryMakesMaster()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 100));
        s = Step(s, Received(Advert(200)), T0 + OneSecond).State;
        DateTimeOffset due = s.MasterDownTimer!.Value;

        VrrpStep early = Step(s, new VrrpEvent.TimerExpired(), due - TimeSpan.FromTicks(1));
        Assert.Same(s, early.State);
        Assert.Empty(early.Actions);

        VrrpStep fired = Step(s, new VrrpEvent.TimerExpired(), due);
        Assert.Equal(
            new VrrpAction[]
            {
                new SendAdvertisement(100, OneSecond),
                new TakeAddresses(),
                new StateChanged(VrrpState.Backup, VrrpState.Master, VrrpTransitionReason.MasterDown, 100),
            },
            fired.Actions);
        Assert.Equal(Ours, fired.State.MasterAddress);
        Assert.Equal((byte)100, fired.State.MasterPriority);
    }

    [Fact]
    public void LateTimerIsHandledOnceAndRearmsAfterNow()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 100, interval: TimeSpan.FromMilliseconds(50)));
        DateTimeOffset late = s.MasterDownTimer!.Value + TimeSpan.FromSeconds(3);
        VrrpStep fired = Step(s, new VrrpEvent.TimerExpired(), late);
        Assert.Equal(VrrpState.Master, fired.State.State);
        Assert.Equal(late + TimeSpan.FromMilliseconds(50), fired.State.AdverTimer);

        DateTimeOffset veryLate = late + TimeSpan.FromSeconds(10);
        VrrpStep adv = Step(fired.State, new VrrpEvent.TimerExpired(), veryLate);
        Assert.Single(adv.Actions);
        Assert.Equal(veryLate + TimeSpan.FromMilliseconds(50), adv.State.AdverTimer);
    }

    [Fact]
    public void AdvertAfterAnOverdueMasterDownTimerFiresTheTimerFirst()
    {
        // The host woke late: the Master_Down_Timer was due before this advertisement arrived.
        VrrpInstanceState s = Backup(RouterConfig(priority: 100));
        DateTimeOffset now = s.MasterDownTimer!.Value + TimeSpan.FromMilliseconds(3);
        VrrpStep step = Step(s, Received(Advert(200)), now);
        Assert.Equal(
            new VrrpAction[]
            {
                new SendAdvertisement(100, OneSecond),
                new TakeAddresses(),
                new StateChanged(VrrpState.Backup, VrrpState.Master, VrrpTransitionReason.MasterDown, 100),
                new HeardOtherMaster(Advert(200).Source, 200),
                new SendAdvertisement(100, OneSecond),
                new ReleaseAddresses(),
                new StateChanged(VrrpState.Master, VrrpState.Backup, VrrpTransitionReason.HigherPriorityMaster, 100),
            },
            step.Actions);
        Assert.Equal(now + s.MasterDownInterval, step.State.MasterDownTimer);
    }

    [Fact]
    public void PriorityChangeAfterAnOverdueAdverTimerSendsTheDueAdvertFirst()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        DateTimeOffset now = m.AdverTimer!.Value + TimeSpan.FromMilliseconds(3);
        VrrpStep step = Step(m, new VrrpEvent.PriorityChanged(40), now);
        Assert.Equal(new VrrpAction[] { new SendAdvertisement(100, OneSecond), new SendAdvertisement(40, OneSecond) }, step.Actions);
        Assert.Equal(now + OneSecond, step.State.AdverTimer);
    }

    [Fact]
    public void RedundantInterfaceUpOrStartupStillFiresAnOverdueTimer()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        DateTimeOffset now = m.AdverTimer!.Value + TimeSpan.FromMilliseconds(3);
        foreach (VrrpEvent e in new VrrpEvent[] { new VrrpEvent.InterfaceUp(), new VrrpEvent.Startup() })
        {
            VrrpStep step = Step(m, e, now);
            Assert.Equal(new VrrpAction[] { new SendAdvertisement(100, OneSecond) }, step.Actions);
            Assert.Equal(now + OneSecond, step.State.AdverTimer);
        }
    }

    [Fact]
    public void ShutdownWithAnOverdueTimerDoesNotFlap()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 100));
        VrrpStep step = Step(s, new VrrpEvent.ShutdownRequested(), s.MasterDownTimer!.Value + OneSecond);
        Assert.Equal(new VrrpAction[] { new StateChanged(VrrpState.Backup, VrrpState.Initialize, VrrpTransitionReason.Shutdown, 100) }, step.Actions);
    }

    [Fact]
    public void TimerExpiredWithNothingArmedIsANoOp()
    {
        VrrpInstanceState s = VrrpStateMachine.Create(RouterConfig());
        VrrpStep step = Step(s, new VrrpEvent.TimerExpired(), T0);
        Assert.Same(s, step.State);
        Assert.Empty(step.Actions);
    }

    // ---- Master ----

    [Fact]
    public void MasterAdverTimerSendsAndRearms()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        DateTimeOffset due = m.AdverTimer!.Value;
        VrrpStep step = Step(m, new VrrpEvent.TimerExpired(), due);
        Assert.Equal(new VrrpAction[] { new SendAdvertisement(100, OneSecond) }, step.Actions);
        Assert.Equal(due + OneSecond, step.State.AdverTimer);
        Assert.Equal(VrrpState.Master, step.State.State);
    }

    [Fact]
    public void MasterHearingPriorityZeroAdvertisesAtOnce()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        DateTimeOffset now = m.AdverTimer!.Value - TimeSpan.FromMilliseconds(300);
        VrrpStep step = Step(m, Received(Advert(0)), now);
        Assert.Equal(new VrrpAction[] { new SendAdvertisement(100, OneSecond) }, step.Actions);
        Assert.Equal(now + OneSecond, step.State.AdverTimer);
    }

    [Fact]
    public void MasterHearingHigherPriorityBecomesBackup()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        DateTimeOffset now = m.AdverTimer!.Value - TimeSpan.FromMilliseconds(300);
        VrrpStep step = Step(m, Received(Advert(101, source: LowerPeer, interval: TimeSpan.FromMilliseconds(500))), now);
        Assert.Equal(
            new VrrpAction[]
            {
                new HeardOtherMaster(LowerPeer, 101),
                new SendAdvertisement(100, OneSecond),
                new ReleaseAddresses(),
                new StateChanged(VrrpState.Master, VrrpState.Backup, VrrpTransitionReason.HigherPriorityMaster, 100),
            },
            step.Actions);
        Assert.Equal(TimeSpan.FromMilliseconds(500), step.State.MasterAdvertInterval);
        Assert.Equal(now + VrrpTimers.MasterDownInterval(VrrpVersion.V3, 100, TimeSpan.FromMilliseconds(500)), step.State.MasterDownTimer);
        Assert.Null(step.State.AdverTimer);
        Assert.Equal(LowerPeer, step.State.MasterAddress);
    }

    [Fact]
    public void AYieldingMasterAdvertisesOnceSoTheWinnerHearsItAndReannounces()
    {
        // A split heals and the loser hears the winner first: its last advertisement is what tells the winner that
        // neighbours may still point at the loser.
        VrrpInstanceState loser = Master(RouterConfig(priority: 90));
        VrrpInstanceState winner = Master(RouterConfig(priority: 110));
        DateTimeOffset now = loser.AdverTimer!.Value - TimeSpan.FromMilliseconds(1);
        VrrpStep yielded = Step(loser, Received(Advert(110, source: HigherPeer)), now);
        var last = Assert.Single(yielded.Actions.OfType<SendAdvertisement>());
        Assert.Equal(VrrpState.Backup, yielded.State.State);

        VrrpStep heard = Step(winner, Received(Advert(last.Priority, source: LowerPeer)), now);
        Assert.Equal(VrrpState.Master, heard.State.State);
        Assert.Contains(new AnnounceAddresses(), heard.Actions);
    }

    [Fact]
    public void MasterHearingEqualPriorityFromHigherAddressBecomesBackup()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        VrrpStep step = Step(m, Received(Advert(100, source: HigherPeer)), m.AdverTimer!.Value - TimeSpan.FromMilliseconds(1));
        Assert.Equal(VrrpState.Backup, step.State.State);
        Assert.Equal(VrrpTransitionReason.HigherAddressMaster, SingleChange(step).Reason);
        Assert.Contains(new ReleaseAddresses(), step.Actions);
        Assert.Contains(new HeardOtherMaster(HigherPeer, 100), step.Actions);
    }

    [Fact]
    public void MasterHearingEqualPriorityFromLowerAddressReadvertises()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        DateTimeOffset now = m.AdverTimer!.Value - TimeSpan.FromMilliseconds(1);
        VrrpStep step = Step(m, Received(Advert(100, source: LowerPeer)), now);
        Assert.Equal(VrrpState.Master, step.State.State);
        Assert.Equal(new VrrpAction[] { new HeardOtherMaster(LowerPeer, 100), new SendAdvertisement(100, OneSecond), new AnnounceAddresses() }, step.Actions);
        Assert.Equal(now + OneSecond, step.State.AdverTimer);
    }

    [Fact]
    public void MasterHearingLowerPriorityReadvertisesReannouncesAndStaysMaster()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        DateTimeOffset now = m.AdverTimer!.Value - TimeSpan.FromMilliseconds(1);
        VrrpStep step = Step(m, Received(Advert(99, source: HigherPeer)), now);
        Assert.Equal(VrrpState.Master, step.State.State);
        // The other master (a healed split) sent gratuitous ARPs of its own: the neighbours must come back.
        Assert.Equal(new VrrpAction[] { new HeardOtherMaster(HigherPeer, 99), new SendAdvertisement(100, OneSecond), new AnnounceAddresses() }, step.Actions);
    }

    [Fact]
    public void MasterIgnoresItsOwnLoopedBackAdvertisement()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        VrrpStep step = Step(m, Received(Advert(100, source: Ours)), m.AdverTimer!.Value - TimeSpan.FromMilliseconds(1));
        Assert.Same(m, step.State);
        Assert.Empty(step.Actions);
    }

    [Theory]
    [InlineData("10.0.0.200", "10.0.0.100", 1)]
    [InlineData("10.0.0.100", "10.0.0.200", -1)]
    [InlineData("192.168.0.1", "10.255.255.255", 1)]
    [InlineData("128.0.0.0", "127.255.255.255", 1)]
    [InlineData("10.0.0.1", "10.0.0.1", 0)]
    [InlineData("fe80::ff", "fe80::1", 1)]
    [InlineData("fe80::1", "10.0.0.1", 1)]
    public void AddressesCompareAsUnsignedNumbers(string x, string y, int sign)
    {
        Assert.Equal(sign, Math.Sign(VrrpStateMachine.CompareAddresses(IPAddress.Parse(x), IPAddress.Parse(y))));
    }

    [Fact]
    public void TieBreakUsesUnsignedBytesNotSigned()
    {
        // 192 > 10 as unsigned; as a signed byte 192 would be negative.
        VrrpInstanceState m = Master(RouterConfig(priority: 100, primary: IPAddress.Parse("192.168.0.1")));
        VrrpStep step = Step(m, Received(Advert(100, source: IPAddress.Parse("10.0.0.1"))), m.AdverTimer!.Value - TimeSpan.FromMilliseconds(1));
        Assert.Equal(VrrpState.Master, step.State.State);
    }

    // ---- Shutdown ----

    [Fact]
    public void MasterShutdownSendsPriorityZeroReleasesAndStops()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        VrrpStep step = Step(m, new VrrpEvent.ShutdownRequested(), m.AdverTimer!.Value - TimeSpan.FromMilliseconds(1));
        Assert.Equal(
            new VrrpAction[]
            {
                new SendAdvertisement(0, OneSecond),
                new ReleaseAddresses(),
                new StateChanged(VrrpState.Master, VrrpState.Initialize, VrrpTransitionReason.Shutdown, 100),
            },
            step.Actions);
        Assert.Null(step.State.NextDeadline);
        Assert.Equal(VrrpState.Initialize, step.State.State);
    }

    [Fact]
    public void BackupShutdownSendsNothing()
    {
        VrrpStep step = Step(Backup(RouterConfig()), new VrrpEvent.ShutdownRequested(), T0 + OneSecond);
        Assert.Equal(new VrrpAction[] { new StateChanged(VrrpState.Backup, VrrpState.Initialize, VrrpTransitionReason.Shutdown, 100) }, step.Actions);
        Assert.Null(step.State.NextDeadline);
    }

    [Fact]
    public void ShutdownInInitializeIsANoOpAndAStoppedInstanceCanStartAgain()
    {
        VrrpInstanceState s = Step(Backup(RouterConfig()), new VrrpEvent.ShutdownRequested(), T0 + OneSecond).State;
        Assert.Empty(Step(s, new VrrpEvent.ShutdownRequested(), T0 + OneSecond).Actions);
        Assert.Empty(Step(s, Received(Advert(200)), T0 + OneSecond).Actions);
        VrrpStep restarted = Step(s, new VrrpEvent.Startup(), T0 + TimeSpan.FromSeconds(5));
        Assert.Equal(VrrpState.Backup, restarted.State.State);
        Assert.Equal(T0 + TimeSpan.FromSeconds(5), restarted.State.StartedAt);
    }

    // ---- Priority changes ----

    [Fact]
    public void MasterWhosePriorityDropsAdvertisesAtOnce()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        DateTimeOffset now = m.AdverTimer!.Value - TimeSpan.FromMilliseconds(500);
        VrrpStep step = Step(m, new VrrpEvent.PriorityChanged(60), now);
        Assert.Equal(new VrrpAction[] { new SendAdvertisement(60, OneSecond) }, step.Actions);
        Assert.Equal(60, step.State.EffectivePriority);
        Assert.Equal(now + OneSecond, step.State.AdverTimer);
        Assert.Equal(VrrpState.Master, step.State.State);
    }

    [Fact]
    public void MasterWhosePriorityRisesWaitsForTheNextAdvertisement()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        VrrpStep step = Step(m, new VrrpEvent.PriorityChanged(120), m.AdverTimer!.Value - TimeSpan.FromMilliseconds(500));
        Assert.Empty(step.Actions);
        Assert.Equal(m.AdverTimer, step.State.AdverTimer);
        Assert.Equal(new SendAdvertisement(120, OneSecond), Step(step.State, new VrrpEvent.TimerExpired(), m.AdverTimer!.Value).Actions[0]);
    }

    [Fact]
    public void BackupStoresPriorityAndSkewFollows()
    {
        VrrpInstanceState s = Backup(RouterConfig(priority: 100));
        VrrpStep step = Step(s, new VrrpEvent.PriorityChanged(200), T0 + OneSecond);
        Assert.Empty(step.Actions);
        Assert.Equal(200, step.State.EffectivePriority);
        Assert.Equal(VrrpTimers.SkewTime(VrrpVersion.V3, 200, OneSecond), step.State.SkewTime);
        Assert.Equal(s.MasterDownTimer, step.State.MasterDownTimer);

        DateTimeOffset now = T0 + TimeSpan.FromSeconds(2);
        Assert.Equal(now + VrrpTimers.MasterDownInterval(VrrpVersion.V3, 200, OneSecond), Step(step.State, Received(Advert(220)), now).State.MasterDownTimer);
    }

    [Fact]
    public void OwnerPriorityNeverChanges()
    {
        VrrpInstanceState m = Step(VrrpStateMachine.Create(RouterConfig(priority: 255)), new VrrpEvent.Startup(), T0).State;
        VrrpStep step = Step(m, new VrrpEvent.PriorityChanged(10), T0 + TimeSpan.FromMilliseconds(10));
        Assert.Same(m, step.State);
        Assert.Empty(step.Actions);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(255, 254)]
    [InlineData(77, 77)]
    public void TrackedPriorityIsClampedForNonOwners(int requested, int expected)
    {
        VrrpStep step = Step(Backup(RouterConfig(priority: 100)), new VrrpEvent.PriorityChanged((byte)requested), T0 + OneSecond);
        Assert.Equal(expected, step.State.EffectivePriority);
    }

    [Fact]
    public void BackupComparesWithEffectivePriority()
    {
        // Configured 100, tracked down to 50: an advert at 80 is now higher and resets the timer.
        VrrpInstanceState s = Step(Backup(RouterConfig(priority: 100)), new VrrpEvent.PriorityChanged(50), T0).State;
        DateTimeOffset now = T0 + OneSecond;
        Assert.Equal(now + s.MasterDownInterval, Step(s, Received(Advert(80)), now).State.MasterDownTimer);

        // Configured 100, tracked up to 120: an advert at 110 is lower and is discarded.
        s = Step(Backup(RouterConfig(priority: 100)), new VrrpEvent.PriorityChanged(120), T0).State;
        Assert.Equal(s.MasterDownTimer, Step(s, Received(Advert(110)), now).State.MasterDownTimer);
    }

    [Fact]
    public void MasterComparesAndBreaksTiesWithEffectivePriority()
    {
        VrrpInstanceState m = Step(Master(RouterConfig(priority: 100)), new VrrpEvent.PriorityChanged(90), T0 + TimeSpan.FromSeconds(4)).State;
        DateTimeOffset now = T0 + TimeSpan.FromSeconds(4.5);

        // 95 > effective 90 although < configured 100.
        Assert.Equal(VrrpState.Backup, Step(m, Received(Advert(95, source: LowerPeer)), now).State.State);

        // Tie at the effective priority: the higher address wins.
        Assert.Equal(VrrpState.Backup, Step(m, Received(Advert(90, source: HigherPeer)), now).State.State);
        Assert.Equal(VrrpState.Master, Step(m, Received(Advert(90, source: LowerPeer)), now).State.State);
        Assert.Equal(90, SingleChange(Step(m, Received(Advert(95)), now)).EffectivePriority);
    }

    // ---- Interface ----

    [Fact]
    public void InterfaceDownTakesMasterToFault()
    {
        VrrpInstanceState m = Master(RouterConfig(priority: 100));
        VrrpStep step = Step(m, new VrrpEvent.InterfaceDown(), m.AdverTimer!.Value - TimeSpan.FromMilliseconds(1));
        Assert.Equal(
            new VrrpAction[]
            {
                new ReleaseAddresses(),
                new StateChanged(VrrpState.Master, VrrpState.Fault, VrrpTransitionReason.InterfaceDown, 100),
            },
            step.Actions);
        Assert.Null(step.State.NextDeadline);
        Assert.False(step.State.InterfaceIsUp);
    }

    [Fact]
    public void InterfaceDownTakesBackupToFaultAndFaultIgnoresTraffic()
    {
        VrrpStep step = Step(Backup(RouterConfig()), new VrrpEvent.InterfaceDown(), T0 + OneSecond);
        Assert.Equal(new VrrpAction[] { new StateChanged(VrrpState.Backup, VrrpState.Fault, VrrpTransitionReason.InterfaceDown, 100) }, step.Actions);
        Assert.Null(step.State.NextDeadline);

        VrrpInstanceState fault = step.State;
        Assert.Empty(Step(fault, Received(Advert(0)), T0 + OneSecond).Actions);
        Assert.Empty(Step(fault, new VrrpEvent.TimerExpired(), T0 + TimeSpan.FromSeconds(100)).Actions);
        Assert.Empty(Step(fault, new VrrpEvent.InterfaceDown(), T0 + TimeSpan.FromSeconds(100)).Actions);
        Assert.Empty(Step(fault, new VrrpEvent.Startup(), T0 + TimeSpan.FromSeconds(100)).Actions);
    }

    [Fact]
    public void InterfaceUpRestartsLikeStartup()
    {
        DateTimeOffset up = T0 + TimeSpan.FromSeconds(10);
        VrrpInstanceState fault = Step(Backup(RouterConfig(priority: 100)), new VrrpEvent.InterfaceDown(), T0 + OneSecond).State;
        VrrpStep step = Step(fault, new VrrpEvent.InterfaceUp(), up);
        Assert.Equal(new VrrpAction[] { new StateChanged(VrrpState.Fault, VrrpState.Backup, VrrpTransitionReason.InterfaceUp, 100) }, step.Actions);
        Assert.Equal(up + step.State.MasterDownInterval, step.State.MasterDownTimer);

        VrrpInstanceState ownerFault = Step(Step(VrrpStateMachine.Create(RouterConfig(priority: 255)), new VrrpEvent.Startup(), T0).State, new VrrpEvent.InterfaceDown(), T0 + OneSecond).State;
        VrrpStep owner = Step(ownerFault, new VrrpEvent.InterfaceUp(), up);
        Assert.Equal(VrrpState.Master, owner.State.State);
        Assert.Equal(new VrrpAction[] { new SendAdvertisement(255, OneSecond), new TakeAddresses(), new StateChanged(VrrpState.Fault, VrrpState.Master, VrrpTransitionReason.InterfaceUp, 255) }, owner.Actions);
    }

    [Fact]
    public void StartupWithInterfaceDownGoesToFaultUntilItComesUp()
    {
        VrrpInstanceState s = Step(VrrpStateMachine.Create(RouterConfig()), new VrrpEvent.InterfaceDown(), T0).State;
        Assert.Equal(VrrpState.Initialize, s.State);
        VrrpStep started = Step(s, new VrrpEvent.Startup(), T0);
        Assert.Equal(VrrpState.Fault, started.State.State);
        Assert.Equal(VrrpTransitionReason.StartupInterfaceDown, SingleChange(started).Reason);
        Assert.Equal(VrrpState.Backup, Step(started.State, new VrrpEvent.InterfaceUp(), T0 + OneSecond).State.State);
    }

    [Fact]
    public void InterfaceUpDoesNotStartAStoppedInstance()
    {
        VrrpInstanceState s = Step(VrrpStateMachine.Create(RouterConfig()), new VrrpEvent.InterfaceDown(), T0).State;
        VrrpStep step = Step(s, new VrrpEvent.InterfaceUp(), T0);
        Assert.Equal(VrrpState.Initialize, step.State.State);
        Assert.True(step.State.InterfaceIsUp);
        Assert.Empty(step.Actions);
    }

    [Fact]
    public void ShutdownFromFaultGoesToInitialize()
    {
        VrrpInstanceState fault = Step(Backup(RouterConfig()), new VrrpEvent.InterfaceDown(), T0 + OneSecond).State;
        VrrpStep step = Step(fault, new VrrpEvent.ShutdownRequested(), T0 + OneSecond);
        Assert.Equal(new VrrpAction[] { new StateChanged(VrrpState.Fault, VrrpState.Initialize, VrrpTransitionReason.Shutdown, 100) }, step.Actions);
    }

    // ---- Whole-cycle ----

    [Fact]
    public void TwoRoutersHandOverByHand()
    {
        // A (200) and B (100) start together; A's timer runs out first and A wins; B hears A and stays Backup.
        VrrpInstanceState a = Backup(RouterConfig(priority: 200, primary: LowerPeer));
        VrrpInstanceState b = Backup(RouterConfig(priority: 100, primary: HigherPeer));
        Assert.True(a.MasterDownTimer < b.MasterDownTimer);

        VrrpStep aUp = Step(a, new VrrpEvent.TimerExpired(), a.MasterDownTimer!.Value);
        Assert.Equal(VrrpState.Master, aUp.State.State);
        SendAdvertisement sent = Assert.IsType<SendAdvertisement>(aUp.Actions[0]);
        b = Step(b, Received(Advert(sent.Priority, LowerPeer, sent.AdvertInterval)), a.MasterDownTimer.Value + TimeSpan.FromMilliseconds(5)).State;
        Assert.Equal(VrrpState.Backup, b.State);

        // A stops gracefully: B takes over after its Skew_Time, not its Master_Down_Interval.
        VrrpStep aDown = Step(aUp.State, new VrrpEvent.ShutdownRequested(), T0 + TimeSpan.FromSeconds(5));
        SendAdvertisement bye = Assert.IsType<SendAdvertisement>(aDown.Actions[0]);
        DateTimeOffset heard = T0 + TimeSpan.FromSeconds(5.01);
        b = Step(b, Received(Advert(bye.Priority, LowerPeer)), heard).State;
        Assert.Equal(heard + b.SkewTime, b.NextDeadline);
        VrrpStep bUp = Step(b, new VrrpEvent.TimerExpired(), b.NextDeadline!.Value);
        Assert.Equal(VrrpState.Master, bUp.State.State);
    }
}
