namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>What the state machine asks its host to do; executed in order.</summary>
public abstract record VrrpAction;

/// <summary>Multicast an advertisement carrying <paramref name="Priority"/> (0 on shutdown) and the current interval.</summary>
public sealed record SendAdvertisement(byte Priority, TimeSpan AdvertInterval) : VrrpAction;

/// <summary>Bind the virtual addresses and announce them (gratuitous ARP / unsolicited NA).</summary>
public sealed record TakeAddresses : VrrpAction;

/// <summary>
/// Announce the virtual addresses again (they stay bound): a Master heard another master of lower priority, so
/// after a split heals the neighbours may still point at that one (keepalived's garp_lower_prio_repeat).
/// </summary>
public sealed record AnnounceAddresses : VrrpAction;

/// <summary>
/// A Master heard another router's advert for its VRID (whether it stays master or steps down): two masters at once,
/// the sign of a split (the host counts and reports it).
/// </summary>
public sealed record HeardOtherMaster(System.Net.IPAddress Source, byte Priority) : VrrpAction;

/// <summary>Remove the virtual addresses from the interface.</summary>
public sealed record ReleaseAddresses : VrrpAction;

/// <summary>The instance changed state; the host logs one structured line and reports it.</summary>
public sealed record StateChanged(VrrpState From, VrrpState To, string Reason, byte EffectivePriority) : VrrpAction;
