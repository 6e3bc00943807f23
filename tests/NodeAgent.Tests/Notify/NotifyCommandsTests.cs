using KeepOperator.Api.Instances;
using KeepOperator.NodeAgent.Notify;
using KeepOperator.NodeAgent.Vrrp;
using Xunit;

namespace KeepOperator.NodeAgent.Tests.Notify;

public sealed class NotifyCommandsTests
{
    private static readonly NotifySettings All = new()
    {
        Master = ["/bin/master", "a b"],
        Backup = ["/bin/backup"],
        Fault = ["/bin/fault"],
        Stop = ["/bin/stop"],
        Any = ["/bin/any", "--verbose"],
        Timeout = TimeSpan.FromSeconds(5),
    };

    [Theory]
    [InlineData(VrrpState.Master, "/bin/master", "MASTER")]
    [InlineData(VrrpState.Backup, "/bin/backup", "BACKUP")]
    [InlineData(VrrpState.Fault, "/bin/fault", "FAULT")]
    [InlineData(VrrpState.Initialize, "/bin/stop", "STOP")]
    public void The_states_own_script_then_the_generic_one_with_the_four_arguments(VrrpState to, string own, string word)
    {
        var commands = NotifyCommands.For("web", to, 150, All);
        Assert.Equal(2, commands.Count);
        Assert.Equal(own, commands[0][0]);
        Assert.Equal(["/bin/any", "--verbose", "INSTANCE", "web", word, "150"], commands[1]);
    }

    [Fact]
    public void The_states_script_runs_as_written()
    {
        Assert.Equal(["/bin/master", "a b"], NotifyCommands.For("web", VrrpState.Master, 100, All)[0]);
    }

    [Fact]
    public void Only_the_scripts_given_run()
    {
        var masterOnly = new NotifySettings { Master = ["/bin/master"], Timeout = TimeSpan.FromSeconds(1) };
        Assert.Single(NotifyCommands.For("web", VrrpState.Master, 100, masterOnly));
        Assert.Empty(NotifyCommands.For("web", VrrpState.Backup, 100, masterOnly));
        Assert.Empty(NotifyCommands.For("web", VrrpState.Master, 100, null));

        var anyOnly = new NotifySettings { Any = ["/bin/any"], Timeout = TimeSpan.FromSeconds(1) };
        Assert.Equal([["/bin/any", "INSTANCE", "ns/web", "FAULT", "0"]], NotifyCommands.For("ns/web", VrrpState.Fault, 0, anyOnly));
    }
}
