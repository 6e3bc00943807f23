using KeepOperator.NodeAgent.Ipvs;
using KeepOperator.NodeAgent.LoadBalancing;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Tests.LoadBalancing;

/// <summary>
/// A kernel's IPVS table behind generic netlink, for the IPVS dataplane: it resolves the family (unless it has no IPVS),
/// answers dumps with the messages the kernel sends, and carries out the commands it receives, recording them.
/// </summary>
internal sealed class FakeIpvsKernel(ushort? familyId = 0x25) : IGenericNetlinkTransport
{
    private uint _sequence;

    public List<LoadBalancedService> Table { get; } = [];

    /// <summary>Every command that changed the table, decoded, in order.</summary>
    public List<IpvsCommand> Changes { get; } = [];

    public int Dumps { get; private set; }

    /// <summary>The running sync daemons (the kernel allows one of each role).</summary>
    public List<IpvsSyncDaemon> Daemons { get; } = [];

    /// <summary>When set, the next change request fails with this errno.</summary>
    public int? FailNextChange { get; set; }

    public uint NextSequence() => ++_sequence;

    public IReadOnlyList<byte[]> Request(byte[] message)
    {
        if (!GenericNetlink.TryReadMessage(message, out var parsed))
        {
            throw new ArgumentException("not generic netlink", nameof(message));
        }

        if (parsed.Type == GenericNetlink.ControllerFamilyId)
        {
            if (familyId is not { } id)
            {
                throw new NetlinkException(parsed.Type, 2, null);
            }

            var reply = GenericNetlink.CreateWriter(GenericNetlink.ControllerFamilyId, 0, GenericNetlink.CtrlCmdNewFamily, 2);
            reply.PutString(GenericNetlink.CtrlAttrFamilyName, IpvsGenl.FamilyName);
            reply.PutU16(GenericNetlink.CtrlAttrFamilyId, id);
            return [reply.ToArray()];
        }

        if (parsed.Type != familyId)
        {
            throw new NetlinkException(parsed.Type, 22, "wrong family");
        }

        var command = IpvsMessageCodec.DecodeCommand(message);
        switch (command)
        {
            case IpvsCommand.ListServices:
                Dumps++;
                return [.. Table.Select(s => IpvsMessageCodec.Encode(new IpvsCommand.AddService(s.Service), familyId.Value))];
            case IpvsCommand.ListDestinations list:
                return [.. Find(list.Service).Destinations.Select(d => IpvsMessageCodec.Encode(new IpvsCommand.AddDestination(list.Service, d), familyId.Value))];
            case IpvsCommand.ListDaemons:
                // The kernel answers with IPVS_CMD_NEW_DAEMON messages, the shape of a start request.
                return [.. Daemons.Select(d => IpvsMessageCodec.Encode(new IpvsCommand.StartDaemon(d), familyId.Value))];
        }

        if (FailNextChange is { } errno)
        {
            FailNextChange = null;
            throw new NetlinkException(parsed.Type, errno, null);
        }

        Changes.Add(command);
        switch (command)
        {
            case IpvsCommand.AddService add:
                Table.Add(new LoadBalancedService(add.Service, []));
                break;
            case IpvsCommand.EditService edit:
                Replace(edit.Service.Key, s => s with { Service = edit.Service });
                break;
            case IpvsCommand.DeleteService delete:
                Table.Remove(Find(delete.Service));
                break;
            case IpvsCommand.AddDestination add:
                Replace(add.Service, s => s with { Destinations = [.. s.Destinations, add.Destination] });
                break;
            case IpvsCommand.EditDestination edit:
                Replace(edit.Service, s => s with { Destinations = [.. s.Destinations.Select(d => d.SameServerAs(edit.Destination) ? edit.Destination : d)] });
                break;
            case IpvsCommand.DeleteDestination delete:
                Replace(delete.Service, s => s with { Destinations = [.. s.Destinations.Where(d => !(d.Address.Equals(delete.Address) && d.Port == delete.Port))] });
                break;
            case IpvsCommand.StartDaemon start when Daemons.Any(d => d.Role == start.Daemon.Role):
                throw new NetlinkException(parsed.Type, 17, "sync daemon running"); // EEXIST, as the kernel
            case IpvsCommand.StartDaemon start:
                Daemons.Add(start.Daemon);
                break;
            case IpvsCommand.StopDaemon stop when Daemons.RemoveAll(d => d.Role == stop.Role) == 0:
                throw new NetlinkException(parsed.Type, 3, "no sync daemon"); // ESRCH, as the kernel
            case IpvsCommand.StopDaemon:
                break;
            default:
                throw new NotSupportedException(command.ToString());
        }

        return [];
    }

    private LoadBalancedService Find(ServiceKey key) =>
        Table.FirstOrDefault(s => s.Key == key) ?? throw new NetlinkException(0, 3, "no such service"); // ESRCH, as the kernel

    private void Replace(ServiceKey key, Func<LoadBalancedService, LoadBalancedService> change)
    {
        var index = Table.IndexOf(Find(key));
        Table[index] = change(Table[index]);
    }
}
