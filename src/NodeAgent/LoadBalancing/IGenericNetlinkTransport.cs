namespace KeepOperator.NodeAgent.LoadBalancing;

/// <summary>Request/reply over a generic netlink socket: the one side effect of the IPVS dataplane.</summary>
public interface IGenericNetlinkTransport
{
    /// <summary>A fresh sequence number for the next request.</summary>
    uint NextSequence();

    /// <summary>Sends one request and returns its replies, each a whole message (nlmsghdr included); acks are not returned.</summary>
    /// <exception cref="Netlink.NetlinkException">The kernel answered with an error.</exception>
    IReadOnlyList<byte[]> Request(byte[] message);

    /// <summary>
    /// Sends requests answered by an ack only, in order; throws the first error. A transport may send several at once
    /// (then, after an error, requests after the failed one may still have taken effect).
    /// </summary>
    /// <exception cref="Netlink.NetlinkException">The kernel answered one of them with an error.</exception>
    void RequestAcked(IReadOnlyList<byte[]> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            Request(message);
        }
    }
}
