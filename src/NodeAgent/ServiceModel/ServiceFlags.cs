namespace KeepOperator.NodeAgent.ServiceModel;

/// <summary>Virtual service flags (IP_VS_SVC_F_*).</summary>
[Flags]
public enum ServiceFlags : uint
{
    None = 0,
    Persistent = 0x0001,

    /// <summary>Kernel-internal; the decoder strips it from dumps and the encoder never sends it.</summary>
    Hashed = 0x0002,
    OnePacket = 0x0004,

    /// <summary>Scheduler flag 1; for "sh" it means sh-fallback.</summary>
    Sched1 = 0x0008,

    /// <summary>Scheduler flag 2; for "sh" it means sh-port.</summary>
    Sched2 = 0x0010,
    Sched3 = 0x0020,
}
