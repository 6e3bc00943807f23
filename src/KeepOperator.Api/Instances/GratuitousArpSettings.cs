namespace KeepOperator.Api.Instances;

/// <summary>Gratuitous ARP / unsolicited NA on becoming master, defaults applied.</summary>
/// <param name="Repeat">Messages per burst (0: none).</param>
/// <param name="Delay">A second burst this long after the first; zero: no second burst.</param>
/// <param name="RefreshInterval">Repeat a burst this often while master; zero: off.</param>
public sealed record GratuitousArpSettings(int Repeat, TimeSpan Delay, TimeSpan RefreshInterval)
{
    /// <summary>keepalived's defaults: 5 messages, a second burst after 5s, no refresh.</summary>
    public static GratuitousArpSettings Default { get; } = new(
        VirtualIpDefaults.GratuitousArpRepeat,
        GoDuration.Parse(VirtualIpDefaults.GratuitousArpDelay),
        GoDuration.Parse(VirtualIpDefaults.GratuitousArpRefreshInterval));
}
