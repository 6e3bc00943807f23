using System.Buffers.Binary;
using System.Text.RegularExpressions;
using KeepOperator.NodeAgent.Ipvs;

namespace KeepOperator.Fuzz;

/// <summary>
/// One IPVS generic netlink message through <see cref="IpvsMessageCodec"/>: <see cref="IpvsMessageCodec.DecodeCommand"/>,
/// and for the message types a kernel dump answers with, <see cref="IpvsMessageCodec.DecodeService"/>,
/// <see cref="IpvsMessageCodec.DecodeDestination"/> or <see cref="IpvsMessageCodec.DecodeDaemon"/>. The codec's one
/// documented error is <see cref="FormatException"/>, whose message (numbers blanked) is the outcome; a decoded command
/// the encoder accepts must encode to bytes that decode to the same command (one it refuses is <see cref="NotEncodable"/>).
/// </summary>
public sealed partial class IpvsMessageTarget : IFuzzTarget
{
    public const string NotEncodable = "NotEncodable";

    public string Name => "ipvs-message";

    public IReadOnlyList<byte[]> Dictionary { get; } =
    [
        [0x42, 0x00], [0x01], [0x05], [0x0d], [0x02, 0x00], [0x0a, 0x00], [0x06, 0x00], [0x11, 0x00], [0x84, 0x00],
        [0x00, 0x50], [0xff, 0xff, 0xff, 0xff], [0x01, 0x80], [0x02, 0x80], [0x03, 0x80], [.."rr\0"u8], [.."wlc\0"u8],
    ];

    public IEnumerable<byte[]> SeedsFrom(string path) => HexLines.Read(path);

    public string Run(ReadOnlySpan<byte> input)
    {
        IpvsCommand command;
        try
        {
            command = IpvsMessageCodec.DecodeCommand(input);
            switch (command)
            {
                case IpvsCommand.AddService add:
                    FuzzOutcome.Require(IpvsMessageCodec.DecodeService(input) == add.Service, "a service dump entry decodes as the command's service");
                    break;
                case IpvsCommand.AddDestination add:
                    FuzzOutcome.Require(IpvsMessageCodec.DecodeDestination(input, add.Service.Family) == add.Destination, "a destination dump entry decodes as the command's destination");
                    break;
                case IpvsCommand.StartDaemon start:
                    FuzzOutcome.Require(IpvsMessageCodec.DecodeDaemon(input) == start.Daemon, "a daemon dump entry decodes as the command's daemon");
                    break;
            }
        }
        catch (FormatException e)
        {
            return Digits().Replace(e.Message, "N");
        }

        ushort family = BinaryPrimitives.ReadUInt16LittleEndian(input[4..]);
        byte[] encoded;
        try
        {
            encoded = IpvsMessageCodec.Encode(command, family);
        }
        catch (ArgumentException)
        {
            // Decoding keeps what the kernel said even where the model cannot send it back (a non-contiguous netmask
            // is prefix -1, so that the reconciler sees a difference and rewrites the service from the desired one).
            return NotEncodable;
        }

        var again = IpvsMessageCodec.Encode(IpvsMessageCodec.DecodeCommand(encoded), family);
        FuzzOutcome.Require(again.AsSpan().SequenceEqual(encoded), "a decoded command encodes to bytes that decode to it again");
        return FuzzOutcome.Accepted;
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();
}
