using System.Text;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// /openapi/v2, which kubectl (and Helm through it) fetches before it validates anything. It is served without
/// definitions: kubectl then validates on the server, because every PATCH in /openapi/v3 declares fieldValidation.
/// kubectl asks for protobuf (gnostic's openapi_v2.Document); other clients get JSON.
/// </summary>
public static class OpenApiV2
{
    public const string ProtobufContentType = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

    public static JsonObject Json() => new()
    {
        ["swagger"] = "2.0",
        ["info"] = new JsonObject { ["title"] = Title, ["version"] = Discovery.GitVersion },
        ["paths"] = new JsonObject(),
        ["definitions"] = new JsonObject(),
    };

    /// <summary>openapi_v2.Document { swagger = 1; info = 2 { title = 1; version = 2 } }.</summary>
    public static byte[] Protobuf()
    {
        var info = new MemoryStream();
        WriteString(info, 1, Title);
        WriteString(info, 2, Discovery.GitVersion);
        var document = new MemoryStream();
        WriteString(document, 1, "2.0");
        WriteBytes(document, 2, info.ToArray());
        return document.ToArray();
    }

    private const string Title = "Kubernetes";

    private static void WriteString(Stream s, int field, string value) => WriteBytes(s, field, Encoding.UTF8.GetBytes(value));

    private static void WriteBytes(Stream s, int field, byte[] value)
    {
        WriteVarint(s, (ulong)((field << 3) | 2)); // wire type 2: length-delimited
        WriteVarint(s, (ulong)value.Length);
        s.Write(value);
    }

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        s.WriteByte((byte)value);
    }
}
