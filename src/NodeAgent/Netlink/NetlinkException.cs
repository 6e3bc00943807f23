using KeepOperator.NodeAgent.Interop;

namespace KeepOperator.NodeAgent.Netlink;

/// <summary>The kernel answered a netlink request with NLMSG_ERROR carrying a negative errno.</summary>
public sealed class NetlinkException : LinuxErrorException
{
    public NetlinkException(ushort requestType, int errno, string? extendedMessage)
        : base($"netlink request type {requestType}", errno, extendedMessage)
    {
        RequestType = requestType;
        ExtendedMessage = extendedMessage;
    }

    /// <summary>The nlmsg_type of the failed request (RTM_NEWADDR, ...).</summary>
    public ushort RequestType { get; }

    /// <summary>The kernel's extended-ack text (NLMSGERR_ATTR_MSG), when it gave one.</summary>
    public string? ExtendedMessage { get; }
}
