using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using KeepOperator.NodeAgent.Netlink;
using KeepOperator.NodeAgent.ServiceModel;

namespace KeepOperator.NodeAgent.Ipvs;

/// <summary>
/// Pure encoder/decoder for the IPVS generic netlink family. Requests come out byte for byte as
/// ipvsadm 1.31 (libipvs over libnl) sends them; dump replies (IPVS_CMD_NEW_SERVICE / NEW_DEST
/// messages) decode back into the model.
/// </summary>
/// <remarks>
/// libipvs always sends a service's full attribute set, even where the kernel only needs its key
/// (delete service, the real-server commands, zero): for those it sends scheduler "", flags 0 with
/// mask ~0, timeout 0 and the default netmask (IPv4 0xffffffff, IPv6 128). A real server likewise
/// always carries every attribute: address family, address, port, forwarding method, weight,
/// tunnel type/port/flags, then the thresholds.
/// </remarks>
public static class IpvsMessageCodec
{
    public const ushort RequestFlags = NetlinkConstants.NlmFRequest | NetlinkConstants.NlmFAck;
    public const ushort DumpFlags = RequestFlags | NetlinkConstants.NlmFDump;

    /// <summary>Encodes <paramref name="command"/> as one netlink message for the IPVS family <paramref name="familyId"/>.</summary>
    public static byte[] Encode(IpvsCommand command, ushort familyId, uint sequence = 0, uint portId = 0)
    {
        ArgumentNullException.ThrowIfNull(command);
        NetlinkMessageWriter writer;
        switch (command)
        {
            case IpvsCommand.AddService c:
                writer = Start(familyId, IpvsGenl.CmdNewService, RequestFlags, sequence, portId);
                PutService(writer, c.Service);
                break;
            case IpvsCommand.EditService c:
                writer = Start(familyId, IpvsGenl.CmdSetService, RequestFlags, sequence, portId);
                PutService(writer, c.Service);
                break;
            case IpvsCommand.DeleteService c:
                writer = Start(familyId, IpvsGenl.CmdDelService, RequestFlags, sequence, portId);
                PutService(writer, new VirtualService(c.Service) { Scheduler = "" });
                break;
            case IpvsCommand.AddDestination c:
                writer = Start(familyId, IpvsGenl.CmdNewDest, RequestFlags, sequence, portId);
                PutService(writer, new VirtualService(c.Service) { Scheduler = "" });
                PutDestination(writer, c.Destination);
                break;
            case IpvsCommand.EditDestination c:
                writer = Start(familyId, IpvsGenl.CmdSetDest, RequestFlags, sequence, portId);
                PutService(writer, new VirtualService(c.Service) { Scheduler = "" });
                PutDestination(writer, c.Destination);
                break;
            case IpvsCommand.DeleteDestination c:
                writer = Start(familyId, IpvsGenl.CmdDelDest, RequestFlags, sequence, portId);
                PutService(writer, new VirtualService(c.Service) { Scheduler = "" });
                PutDestination(writer, new ServiceDestination(c.Address, c.Port));
                break;
            case IpvsCommand.Flush:
                writer = Start(familyId, IpvsGenl.CmdFlush, RequestFlags, sequence, portId);
                break;
            case IpvsCommand.Zero c:
                writer = Start(familyId, IpvsGenl.CmdZero, RequestFlags, sequence, portId);
                if (c.Service is not null)
                {
                    PutService(writer, new VirtualService(c.Service) { Scheduler = "" });
                }
                break;
            case IpvsCommand.ListServices:
                writer = Start(familyId, IpvsGenl.CmdGetService, DumpFlags, sequence, portId);
                break;
            case IpvsCommand.ListDestinations c:
                writer = Start(familyId, IpvsGenl.CmdGetDest, DumpFlags, sequence, portId);
                writer.BeginNested(IpvsGenl.CmdAttrService);
                PutServiceKey(writer, c.Service);
                writer.EndNested();
                break;
            case IpvsCommand.StartDaemon c:
                writer = Start(familyId, IpvsGenl.CmdNewDaemon, RequestFlags, sequence, portId);
                PutDaemon(writer, c.Daemon.Role, CheckInterfaceName(c.Daemon.Interface), c.Daemon.SyncId, c.Daemon.MaxPacketLength);
                break;
            case IpvsCommand.StopDaemon c:
                // ipvsadm (libipvs) sends an empty interface name and the sync ID here too; the kernel needs only the state.
                writer = Start(familyId, IpvsGenl.CmdDelDaemon, RequestFlags, sequence, portId);
                PutDaemon(writer, c.Role, "", c.SyncId, null);
                break;
            case IpvsCommand.ListDaemons:
                writer = Start(familyId, IpvsGenl.CmdGetDaemon, DumpFlags, sequence, portId);
                break;
            default:
                throw new ArgumentException($"Unknown IPVS command {command.GetType().Name}.", nameof(command));
        }
        return writer.ToArray();
    }

    /// <summary>IPVS_CMD_GET_INFO, the probe ipvsadm sends first (version and connection table size).</summary>
    public static byte[] EncodeGetInfo(ushort familyId, uint sequence = 0, uint portId = 0) =>
        Start(familyId, IpvsGenl.CmdGetInfo, RequestFlags, sequence, portId).ToArray();

    /// <summary>
    /// Decodes one IPVS message back into a command: a request this codec (or ipvsadm) produced.
    /// Key-only service nests (delete, real-server commands, zero, dest dump) yield just the key.
    /// </summary>
    /// <exception cref="FormatException">Malformed, not generic netlink, or not an IPVS command this model covers.</exception>
    public static IpvsCommand DecodeCommand(ReadOnlySpan<byte> message)
    {
        var msg = Read(message);
        switch (msg.Command)
        {
            case IpvsGenl.CmdNewService:
                return new IpvsCommand.AddService(DecodeServiceNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrService)));
            case IpvsGenl.CmdSetService:
                return new IpvsCommand.EditService(DecodeServiceNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrService)));
            case IpvsGenl.CmdDelService:
                return new IpvsCommand.DeleteService(DecodeServiceNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrService)).Key);
            case IpvsGenl.CmdNewDest:
            case IpvsGenl.CmdSetDest:
            case IpvsGenl.CmdDelDest:
                {
                    var key = DecodeServiceNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrService)).Key;
                    var destination = DecodeDestinationNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrDest), key.Family);
                    return msg.Command switch
                    {
                        IpvsGenl.CmdNewDest => new IpvsCommand.AddDestination(key, destination),
                        IpvsGenl.CmdSetDest => new IpvsCommand.EditDestination(key, destination),
                        _ => new IpvsCommand.DeleteDestination(key, destination.Address, destination.Port),
                    };
                }
            case IpvsGenl.CmdFlush:
                return new IpvsCommand.Flush();
            case IpvsGenl.CmdZero:
                return FindNest(msg.Attributes, IpvsGenl.CmdAttrService, out var zeroNest)
                    ? new IpvsCommand.Zero(DecodeServiceNest(zeroNest).Key)
                    : new IpvsCommand.Zero();
            case IpvsGenl.CmdGetService when FindNest(msg.Attributes, IpvsGenl.CmdAttrService, out _):
                throw new FormatException("IPVS_CMD_GET_SERVICE for a single service is not modelled.");
            case IpvsGenl.CmdGetService:
                return new IpvsCommand.ListServices();
            case IpvsGenl.CmdGetDest:
                return new IpvsCommand.ListDestinations(DecodeServiceNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrService)).Key);
            case IpvsGenl.CmdNewDaemon:
                return new IpvsCommand.StartDaemon(DecodeDaemonNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrDaemon)));
            case IpvsGenl.CmdDelDaemon:
                {
                    var daemon = DecodeDaemonNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrDaemon));
                    return new IpvsCommand.StopDaemon(daemon.Role, daemon.SyncId);
                }
            case IpvsGenl.CmdGetDaemon:
                return new IpvsCommand.ListDaemons();
            default:
                throw new FormatException($"IPVS command {msg.Command} is not modelled.");
        }
    }

    /// <summary>
    /// Decodes one message of an IPVS_CMD_GET_SERVICE dump (IPVS_CMD_NEW_SERVICE with a service nest).
    /// Counters are not part of the model and are skipped; the kernel-internal HASHED flag is dropped.
    /// </summary>
    /// <exception cref="FormatException">Malformed message or missing attributes.</exception>
    public static VirtualService DecodeService(ReadOnlySpan<byte> message)
    {
        var msg = Read(message);
        if (msg.Command != IpvsGenl.CmdNewService)
        {
            throw new FormatException($"Expected IPVS_CMD_NEW_SERVICE, got command {msg.Command}.");
        }
        return DecodeServiceNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrService));
    }

    /// <summary>
    /// Decodes one message of an IPVS_CMD_GET_DEST dump (IPVS_CMD_NEW_DEST with a dest nest).
    /// <paramref name="serviceFamily"/> applies when the kernel predates IPVS_DEST_ATTR_ADDR_FAMILY.
    /// </summary>
    /// <exception cref="FormatException">Malformed message or missing attributes.</exception>
    public static ServiceDestination DecodeDestination(ReadOnlySpan<byte> message, AddressFamily serviceFamily)
    {
        var msg = Read(message);
        if (msg.Command != IpvsGenl.CmdNewDest)
        {
            throw new FormatException($"Expected IPVS_CMD_NEW_DEST, got command {msg.Command}.");
        }
        return DecodeDestinationNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrDest), serviceFamily);
    }

    /// <summary>
    /// Decodes one message of an IPVS_CMD_GET_DAEMON dump (IPVS_CMD_NEW_DAEMON with a daemon nest). Multicast group,
    /// port and TTL are not part of the model and are skipped.
    /// </summary>
    /// <exception cref="FormatException">Malformed message or missing attributes.</exception>
    public static IpvsSyncDaemon DecodeDaemon(ReadOnlySpan<byte> message)
    {
        var msg = Read(message);
        if (msg.Command != IpvsGenl.CmdNewDaemon)
        {
            throw new FormatException($"Expected IPVS_CMD_NEW_DAEMON, got command {msg.Command}.");
        }
        return DecodeDaemonNest(RequireNest(msg.Attributes, IpvsGenl.CmdAttrDaemon));
    }

    // ---- encoding ----

    private static NetlinkMessageWriter Start(ushort familyId, byte command, ushort flags, uint sequence, uint portId) =>
        GenericNetlink.CreateWriter(familyId, flags, command, IpvsGenl.Version, sequence, portId);

    private static void PutServiceKey(NetlinkMessageWriter writer, ServiceKey key)
    {
        writer.PutU16(IpvsGenl.SvcAttrAf, (ushort)ToLinuxFamily(key.Family));
        if (key.IsFirewallMark)
        {
            writer.PutU32(IpvsGenl.SvcAttrFwmark, key.FirewallMark);
        }
        else
        {
            writer.PutU16(IpvsGenl.SvcAttrProtocol, (ushort)key.Protocol);
            PutAddress(writer, IpvsGenl.SvcAttrAddr, key.Address!);
            writer.PutU16BigEndian(IpvsGenl.SvcAttrPort, key.Port);
        }
    }

    private static void PutService(NetlinkMessageWriter writer, VirtualService service)
    {
        writer.BeginNested(IpvsGenl.CmdAttrService);
        PutServiceKey(writer, service.Key);
        writer.PutString(IpvsGenl.SvcAttrSchedName, CheckName(service.Scheduler, "scheduler"));
        if (!string.IsNullOrEmpty(service.PersistenceEngine))
        {
            writer.PutString(IpvsGenl.SvcAttrPeName, CheckName(service.PersistenceEngine, "persistence engine"));
        }
        Span<byte> flags = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(flags, (uint)(service.Flags & ~ServiceFlags.Hashed));
        BinaryPrimitives.WriteUInt32LittleEndian(flags[4..], uint.MaxValue);
        writer.PutBytes(IpvsGenl.SvcAttrFlags, flags);
        writer.PutU32(IpvsGenl.SvcAttrTimeout, service.PersistenceTimeout);
        int prefix = service.NetmaskPrefixLength;
        if (prefix < 0 || prefix > service.Key.MaxPrefixLength)
        {
            throw new ArgumentException($"Netmask prefix /{prefix} is out of range for {service.Key}.", nameof(service));
        }
        if (service.Key.Family == AddressFamily.InterNetworkV6)
        {
            writer.PutU32(IpvsGenl.SvcAttrNetmask, (uint)prefix);
        }
        else
        {
            // IPv4: the mask itself, in network byte order.
            writer.PutU32BigEndian(IpvsGenl.SvcAttrNetmask, PrefixToMask(prefix));
        }
        writer.EndNested();
    }

    private static void PutDestination(NetlinkMessageWriter writer, ServiceDestination destination)
    {
        ArgumentNullException.ThrowIfNull(destination.Address);
        if (destination.Weight < 0)
        {
            throw new ArgumentException($"Weight {destination.Weight} is negative.", nameof(destination));
        }
        writer.BeginNested(IpvsGenl.CmdAttrDest);
        writer.PutU16(IpvsGenl.DestAttrAddrFamily, (ushort)ToLinuxFamily(destination.Address.AddressFamily));
        PutAddress(writer, IpvsGenl.DestAttrAddr, destination.Address);
        writer.PutU16BigEndian(IpvsGenl.DestAttrPort, destination.Port);
        writer.PutU32(IpvsGenl.DestAttrFwdMethod, (uint)destination.ForwardingMethod & IpvsGenl.ConnFwdMask);
        writer.PutU32(IpvsGenl.DestAttrWeight, (uint)destination.Weight);
        writer.PutU8(IpvsGenl.DestAttrTunType, (byte)destination.TunnelType);
        writer.PutU16BigEndian(IpvsGenl.DestAttrTunPort, destination.TunnelPort);
        writer.PutU16(IpvsGenl.DestAttrTunFlags, (ushort)destination.TunnelFlags);
        writer.PutU32(IpvsGenl.DestAttrUThresh, destination.UpperThreshold);
        writer.PutU32(IpvsGenl.DestAttrLThresh, destination.LowerThreshold);
        writer.EndNested();
    }

    /// <summary>In libipvs's order: state, interface, sync ID, then the packet length when set.</summary>
    private static void PutDaemon(NetlinkMessageWriter writer, IpvsSyncRole role, string interfaceName, byte syncId, ushort? maxPacketLength)
    {
        writer.BeginNested(IpvsGenl.CmdAttrDaemon);
        writer.PutU32(IpvsGenl.DaemonAttrState, (uint)role);
        writer.PutString(IpvsGenl.DaemonAttrMcastIfn, interfaceName);
        writer.PutU32(IpvsGenl.DaemonAttrSyncId, syncId);
        if (maxPacketLength is { } length)
        {
            writer.PutU16(IpvsGenl.DaemonAttrSyncMaxLen, length);
        }
        writer.EndNested();
    }

    private static string CheckInterfaceName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or >= IpvsGenl.InterfaceNameMaxLength)
        {
            throw new ArgumentException($"Invalid interface name '{name}': 1 to {IpvsGenl.InterfaceNameMaxLength - 1} characters.", nameof(name));
        }
        return name;
    }

    private static void PutAddress(NetlinkMessageWriter writer, ushort type, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[IpvsGenl.AddressLength];
        bytes.Clear();
        if (!address.TryWriteBytes(bytes, out _))
        {
            throw new ArgumentException($"Cannot encode address {address}.", nameof(address));
        }
        writer.PutBytes(type, bytes);
    }

    private static string CheckName(string name, string what)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length >= IpvsGenl.NameMaxLength || name.Any(ch => ch is < (char)0x21 or > (char)0x7e))
        {
            throw new ArgumentException($"Invalid {what} name '{name}': printable ASCII, at most {IpvsGenl.NameMaxLength - 1} characters.");
        }
        return name;
    }

    internal static uint PrefixToMask(int prefix) => prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);

    /// <summary>The prefix length of a contiguous IPv4 mask (host-order value), or -1 if it is not contiguous.</summary>
    internal static int MaskToPrefix(uint mask)
    {
        int prefix = System.Numerics.BitOperations.LeadingZeroCount(~mask);
        return PrefixToMask(prefix) == mask ? prefix : -1;
    }

    internal static int ToLinuxFamily(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => 2,
        AddressFamily.InterNetworkV6 => 10,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "IPVS supports IPv4 and IPv6 only."),
    };

    // ---- decoding ----

    private static GenericNetlinkMessage Read(ReadOnlySpan<byte> message)
    {
        if (!GenericNetlink.TryReadMessage(message, out var msg))
        {
            throw new FormatException("Not a well-formed generic netlink message.");
        }
        return msg;
    }

    private static bool FindNest(ReadOnlySpan<byte> attributes, ushort type, out ReadOnlySpan<byte> nest)
    {
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.MoveNext())
        {
            if (reader.Type == type)
            {
                nest = reader.Value;
                return true;
            }
        }
        nest = default;
        return false;
    }

    private static ReadOnlySpan<byte> RequireNest(ReadOnlySpan<byte> attributes, ushort type) =>
        FindNest(attributes, type, out var nest)
            ? nest
            : throw new FormatException(type switch
            {
                IpvsGenl.CmdAttrService => "Missing IPVS_CMD_ATTR_SERVICE.",
                IpvsGenl.CmdAttrDest => "Missing IPVS_CMD_ATTR_DEST.",
                _ => "Missing IPVS_CMD_ATTR_DAEMON.",
            });

    private static IpvsSyncDaemon DecodeDaemonNest(ReadOnlySpan<byte> nest)
    {
        uint? state = null;
        string interfaceName = "";
        uint syncId = 0;
        ushort? maxLength = null;
        var reader = new NetlinkAttributeReader(nest);
        while (reader.MoveNext())
        {
            var v = reader.Value;
            switch (reader.Type)
            {
                case IpvsGenl.DaemonAttrState:
                    state = U32(v, "STATE");
                    break;
                case IpvsGenl.DaemonAttrMcastIfn:
                    interfaceName = GenericNetlink.ReadString(v);
                    break;
                case IpvsGenl.DaemonAttrSyncId:
                    syncId = U32(v, "SYNC_ID");
                    break;
                case IpvsGenl.DaemonAttrSyncMaxLen:
                    maxLength = U16(v, "SYNC_MAXLEN");
                    break;
            }
        }

        if (state is not ((uint)IpvsSyncRole.Master or (uint)IpvsSyncRole.Backup))
        {
            throw new FormatException($"Daemon state {state?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"} is neither master (1) nor backup (2).");
        }
        if (syncId > byte.MaxValue)
        {
            throw new FormatException($"Sync ID {syncId} out of range.");
        }
        return new IpvsSyncDaemon((IpvsSyncRole)state.Value, interfaceName, (byte)syncId, maxLength);
    }

    private static VirtualService DecodeServiceNest(ReadOnlySpan<byte> nest)
    {
        AddressFamily? family = null;
        ushort? protocol = null;
        ushort? port = null;
        uint fwmark = 0;
        ReadOnlySpan<byte> address = default;
        bool haveAddress = false;
        string? scheduler = null;
        string? engine = null;
        uint flags = 0;
        uint timeout = 0;
        uint? netmask = null;

        var reader = new NetlinkAttributeReader(nest);
        while (reader.MoveNext())
        {
            var v = reader.Value;
            switch (reader.Type)
            {
                case IpvsGenl.SvcAttrAf:
                    family = FromLinuxFamily(U16(v, "AF"));
                    break;
                case IpvsGenl.SvcAttrProtocol:
                    protocol = U16(v, "PROTOCOL");
                    break;
                case IpvsGenl.SvcAttrAddr:
                    address = v;
                    haveAddress = true;
                    break;
                case IpvsGenl.SvcAttrPort:
                    port = Length(v, 2, "PORT") ? BinaryPrimitives.ReadUInt16BigEndian(v) : (ushort)0;
                    break;
                case IpvsGenl.SvcAttrFwmark:
                    fwmark = U32(v, "FWMARK");
                    break;
                case IpvsGenl.SvcAttrSchedName:
                    scheduler = GenericNetlink.ReadString(v);
                    break;
                case IpvsGenl.SvcAttrPeName:
                    engine = GenericNetlink.ReadString(v);
                    break;
                case IpvsGenl.SvcAttrFlags:
                    flags = U32(v, "FLAGS");
                    break;
                case IpvsGenl.SvcAttrTimeout:
                    timeout = U32(v, "TIMEOUT");
                    break;
                case IpvsGenl.SvcAttrNetmask:
                    netmask = Length(v, 4, "NETMASK") ? BinaryPrimitives.ReadUInt32LittleEndian(v) : 0;
                    break;
            }
        }

        if (family is not { } af)
        {
            throw new FormatException("Service without IPVS_SVC_ATTR_AF.");
        }
        ServiceKey key;
        if (fwmark != 0)
        {
            key = ServiceKey.ForFirewallMark(fwmark, af);
        }
        else
        {
            if (protocol is not { } proto || !haveAddress || port is not { } p)
            {
                throw new FormatException("Service without a firewall mark lacks PROTOCOL, ADDR or PORT.");
            }
            if (proto is not ((ushort)ServiceProtocol.Tcp or (ushort)ServiceProtocol.Udp or (ushort)ServiceProtocol.Sctp))
            {
                throw new FormatException($"Unsupported service protocol {proto}.");
            }
            key = ServiceKey.ForAddress((ServiceProtocol)proto, ReadAddress(address, af), p);
        }

        var service = new VirtualService(key)
        {
            Flags = (ServiceFlags)flags & ~ServiceFlags.Hashed,
            PersistenceTimeout = timeout,
            PersistenceEngine = string.IsNullOrEmpty(engine) ? null : engine,
        };
        if (scheduler is not null)
        {
            service = service with { Scheduler = scheduler };
        }
        if (netmask is { } raw)
        {
            int prefix = af == AddressFamily.InterNetworkV6
                ? (raw <= 128 ? (int)raw : -1)
                : MaskToPrefix(BinaryPrimitives.ReverseEndianness(raw));
            service = service with { NetmaskPrefixLength = prefix };
        }
        return service;
    }

    private static ServiceDestination DecodeDestinationNest(ReadOnlySpan<byte> nest, AddressFamily serviceFamily)
    {
        AddressFamily family = serviceFamily;
        ReadOnlySpan<byte> address = default;
        bool haveAddress = false;
        ushort? port = null;
        uint fwd = (uint)PacketForwarding.DirectRoute;
        uint weight = 1;
        uint upper = 0;
        uint lower = 0;
        byte tunnelType = 0;
        ushort tunnelPort = 0;
        ushort tunnelFlags = 0;

        var reader = new NetlinkAttributeReader(nest);
        while (reader.MoveNext())
        {
            var v = reader.Value;
            switch (reader.Type)
            {
                case IpvsGenl.DestAttrAddrFamily:
                    family = FromLinuxFamily(U16(v, "ADDR_FAMILY"));
                    break;
                case IpvsGenl.DestAttrAddr:
                    address = v;
                    haveAddress = true;
                    break;
                case IpvsGenl.DestAttrPort:
                    port = Length(v, 2, "PORT") ? BinaryPrimitives.ReadUInt16BigEndian(v) : (ushort)0;
                    break;
                case IpvsGenl.DestAttrFwdMethod:
                    fwd = U32(v, "FWD_METHOD") & IpvsGenl.ConnFwdMask;
                    break;
                case IpvsGenl.DestAttrWeight:
                    weight = U32(v, "WEIGHT");
                    break;
                case IpvsGenl.DestAttrUThresh:
                    upper = U32(v, "U_THRESH");
                    break;
                case IpvsGenl.DestAttrLThresh:
                    lower = U32(v, "L_THRESH");
                    break;
                case IpvsGenl.DestAttrTunType:
                    tunnelType = Length(v, 1, "TUN_TYPE") ? v[0] : (byte)0;
                    break;
                case IpvsGenl.DestAttrTunPort:
                    tunnelPort = Length(v, 2, "TUN_PORT") ? BinaryPrimitives.ReadUInt16BigEndian(v) : (ushort)0;
                    break;
                case IpvsGenl.DestAttrTunFlags:
                    tunnelFlags = U16(v, "TUN_FLAGS");
                    break;
            }
        }

        if (!haveAddress || port is not { } p)
        {
            throw new FormatException("Destination without ADDR or PORT.");
        }
        if (fwd > (uint)PacketForwarding.DirectRoute)
        {
            throw new FormatException($"Unsupported forwarding method {fwd}.");
        }
        if (weight > int.MaxValue)
        {
            throw new FormatException($"Weight {weight} out of range.");
        }
        return new ServiceDestination(ReadAddress(address, family), p)
        {
            ForwardingMethod = (PacketForwarding)fwd,
            Weight = (int)weight,
            UpperThreshold = upper,
            LowerThreshold = lower,
            TunnelType = (TunnelEncapsulation)tunnelType,
            TunnelPort = tunnelPort,
            TunnelFlags = (TunnelOptions)tunnelFlags,
        };
    }

    private static IPAddress ReadAddress(ReadOnlySpan<byte> value, AddressFamily family)
    {
        int needed = family == AddressFamily.InterNetworkV6 ? 16 : 4;
        if (value.Length < needed)
        {
            throw new FormatException($"Address attribute of {value.Length} bytes is too short for {family}.");
        }
        return new IPAddress(value[..needed]);
    }

    private static AddressFamily FromLinuxFamily(ushort af) => af switch
    {
        2 => AddressFamily.InterNetwork,
        10 => AddressFamily.InterNetworkV6,
        _ => throw new FormatException($"Unsupported address family {af}."),
    };

    private static bool Length(ReadOnlySpan<byte> value, int length, string name) =>
        value.Length >= length ? true : throw new FormatException($"Attribute {name} is {value.Length} bytes, expected {length}.");

    private static ushort U16(ReadOnlySpan<byte> value, string name) =>
        Length(value, 2, name) ? BinaryPrimitives.ReadUInt16LittleEndian(value) : (ushort)0;

    private static uint U32(ReadOnlySpan<byte> value, string name) =>
        Length(value, 4, name) ? BinaryPrimitives.ReadUInt32LittleEndian(value) : 0;
}
