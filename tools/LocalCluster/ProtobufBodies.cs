using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KeepOperator.LocalCluster;

/// <summary>
/// Decodes the protobuf request bodies kubectl's typed commands send (<c>kubectl create secret|configmap|namespace|serviceaccount</c>,
/// and the DeleteOptions of client-go's typed deletes)
/// into JSON: the "k8s\0" envelope (runtime.Unknown) and the few kinds listed below, field numbers as in k8s.io/api.
/// Responses are always JSON, which kubectl accepts. Other kinds in protobuf answer 415.
/// </summary>
public static class ProtobufBodies
{
    public const string ContentType = "application/vnd.kubernetes.protobuf";

    private enum F { String, Bytes, Int, Bool, Time, Message, StringMap, BytesMap, Strings, Messages }

    private sealed record Field(string Name, F Kind, Dictionary<int, Field>? Message = null);

    private static readonly Dictionary<int, Field> OwnerReference = new()
    {
        [1] = new("kind", F.String),
        [2] = new("name", F.String),
        [3] = new("uid", F.String),
        [5] = new("apiVersion", F.String),
        [6] = new("controller", F.Bool),
        [7] = new("blockOwnerDeletion", F.Bool),
    };

    private static readonly Dictionary<int, Field> ObjectMeta = new()
    {
        [1] = new("name", F.String),
        [2] = new("generateName", F.String),
        [3] = new("namespace", F.String),
        [5] = new("uid", F.String),
        [6] = new("resourceVersion", F.String),
        [7] = new("generation", F.Int),
        [8] = new("creationTimestamp", F.Time),
        [11] = new("labels", F.StringMap),
        [12] = new("annotations", F.StringMap),
        [13] = new("ownerReferences", F.Messages, OwnerReference),
        [14] = new("finalizers", F.Strings),
    };

    private static readonly Dictionary<int, Field> ObjectReference = new()
    {
        [1] = new("kind", F.String),
        [2] = new("namespace", F.String),
        [3] = new("name", F.String),
        [4] = new("uid", F.String),
        [5] = new("apiVersion", F.String),
        [6] = new("resourceVersion", F.String),
        [7] = new("fieldPath", F.String),
    };

    private static readonly Dictionary<string, Dictionary<int, Field>> Kinds = new()
    {
        ["Secret"] = new()
        {
            [1] = new("metadata", F.Message, ObjectMeta),
            [2] = new("data", F.BytesMap),
            [3] = new("type", F.String),
            [4] = new("stringData", F.StringMap),
            [5] = new("immutable", F.Bool),
        },
        ["ConfigMap"] = new()
        {
            [1] = new("metadata", F.Message, ObjectMeta),
            [2] = new("data", F.StringMap),
            [3] = new("binaryData", F.BytesMap),
            [4] = new("immutable", F.Bool),
        },
        ["Namespace"] = new()
        {
            [1] = new("metadata", F.Message, ObjectMeta),
            [2] = new("spec", F.Message, new Dictionary<int, Field> { [1] = new("finalizers", F.Strings) }),
        },
        // The body of a DELETE (Helm's uninstall purges its release Secrets with one).
        ["DeleteOptions"] = new()
        {
            [1] = new("gracePeriodSeconds", F.Int),
            [2] = new("preconditions", F.Message, new Dictionary<int, Field> { [1] = new("uid", F.String), [2] = new("resourceVersion", F.String) }),
            [3] = new("orphanDependents", F.Bool),
            [4] = new("propagationPolicy", F.String),
            [5] = new("dryRun", F.Strings),
        },
        ["ServiceAccount"] = new()
        {
            [1] = new("metadata", F.Message, ObjectMeta),
            [2] = new("secrets", F.Messages, ObjectReference),
            [3] = new("imagePullSecrets", F.Messages, new Dictionary<int, Field> { [1] = new("name", F.String) }),
            [4] = new("automountServiceAccountToken", F.Bool),
        },
    };

    private static readonly Dictionary<int, Field> TypeMeta = new() { [1] = new("apiVersion", F.String), [2] = new("kind", F.String) };

    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < 4 || body[0] != 'k' || body[1] != '8' || body[2] != 's' || body[3] != 0)
        {
            throw Unsupported("the protobuf body lacks the k8s envelope");
        }

        JsonObject? typeMeta = null;
        byte[]? raw = null;
        var reader = new Reader(body, 4, body.Length);
        while (reader.More)
        {
            var (field, wire) = reader.Tag();
            if (field == 1 && wire == 2)
            {
                typeMeta = Message(reader.Slice(), TypeMeta);
            }
            else if (field == 2 && wire == 2)
            {
                var (start, end) = reader.Span();
                raw = body[start..end];
            }
            else
            {
                reader.Skip(wire);
            }
        }

        var kind = Json.Str(typeMeta?["kind"]) ?? string.Empty;
        if (!Kinds.TryGetValue(kind, out var schema) || raw == null)
        {
            throw Unsupported($"protobuf bodies are decoded for {string.Join(", ", Kinds.Keys)} only, got \"{kind}\"; send JSON (kubectl apply -f, or kubectl create --dry-run=client -o yaml | kubectl apply -f -)");
        }

        var obj = new JsonObject { ["apiVersion"] = typeMeta!["apiVersion"]?.DeepClone(), ["kind"] = kind };
        foreach (var (k, v) in Message(new Reader(raw, 0, raw.Length), schema))
        {
            obj[k] = v?.DeepClone();
        }

        return obj;
    }

    private static ApiError Unsupported(string why) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml ({why})");

    private static JsonObject Message(Reader r, Dictionary<int, Field> schema)
    {
        var obj = new JsonObject();
        while (r.More)
        {
            var (number, wire) = r.Tag();
            if (!schema.TryGetValue(number, out var f))
            {
                r.Skip(wire);
                continue;
            }

            switch (f.Kind)
            {
                case F.String:
                    if (r.String() is { Length: > 0 } text)
                    {
                        obj[f.Name] = text; // Go's omitempty: empty strings are absent in JSON
                    }

                    break;
                case F.Bytes:
                    obj[f.Name] = Convert.ToBase64String(r.Bytes());
                    break;
                case F.Int:
                    obj[f.Name] = (long)r.Varint();
                    break;
                case F.Bool:
                    obj[f.Name] = r.Varint() != 0;
                    break;
                case F.Time:
                    {
                        var t = Message(r.Slice(), new Dictionary<int, Field> { [1] = new("s", F.Int) });
                        obj[f.Name] = DateTimeOffset.FromUnixTimeSeconds(Json.Int(t["s"]) ?? 0).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                        break;
                    }

                case F.Message:
                    obj[f.Name] = Message(r.Slice(), f.Message!);
                    break;
                case F.Messages:
                    Array(obj, f.Name).Add(Message(r.Slice(), f.Message!));
                    break;
                case F.Strings:
                    Array(obj, f.Name).Add(r.String());
                    break;
                case F.StringMap or F.BytesMap:
                    {
                        var entry = r.Slice();
                        string key = string.Empty;
                        JsonNode? value = string.Empty;
                        while (entry.More)
                        {
                            var (n, w) = entry.Tag();
                            if (n == 1)
                            {
                                key = entry.String();
                            }
                            else if (n == 2)
                            {
                                value = f.Kind == F.StringMap ? entry.String() : Convert.ToBase64String(entry.Bytes());
                            }
                            else
                            {
                                entry.Skip(w);
                            }
                        }

                        if (obj[f.Name] is not JsonObject map)
                        {
                            map = new JsonObject();
                            obj[f.Name] = map;
                        }

                        map[key] = value;
                        break;
                    }
            }
        }

        return obj;
    }

    private static JsonArray Array(JsonObject obj, string name)
    {
        if (obj[name] is not JsonArray a)
        {
            a = new JsonArray();
            obj[name] = a;
        }

        return a;
    }

    private sealed class Reader
    {
        private readonly byte[] buf;
        private readonly int end;
        private int pos;

        public Reader(byte[] buf, int start, int end)
        {
            this.buf = buf;
            pos = start;
            this.end = end;
        }

        public bool More => pos < end;

        public (int Field, int Wire) Tag()
        {
            var tag = Varint();
            return ((int)(tag >> 3), (int)(tag & 7));
        }

        public ulong Varint()
        {
            ulong result = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                if (pos >= end)
                {
                    throw Unsupported("truncated protobuf body");
                }

                var b = buf[pos++];
                result |= (ulong)(b & 0x7f) << shift;
                if ((b & 0x80) == 0)
                {
                    return result;
                }
            }

            throw Unsupported("bad varint in protobuf body");
        }

        public (int Start, int End) Span()
        {
            var len = (int)Varint();
            if (len < 0 || pos + len > end)
            {
                throw Unsupported("truncated protobuf body");
            }

            var start = pos;
            pos += len;
            return (start, pos);
        }

        public Reader Slice()
        {
            var (s, e) = Span();
            return new Reader(buf, s, e);
        }

        public byte[] Bytes()
        {
            var (s, e) = Span();
            return buf[s..e];
        }

        public string String()
        {
            var (s, e) = Span();
            return Encoding.UTF8.GetString(buf, s, e - s);
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    pos += 8;
                    break;
                case 2:
                    Span();
                    break;
                case 5:
                    pos += 4;
                    break;
                default:
                    throw Unsupported($"unsupported protobuf wire type {wire}");
            }
        }
    }
}
