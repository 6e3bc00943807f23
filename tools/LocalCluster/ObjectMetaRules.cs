using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KeepOperator.LocalCluster;

/// <summary>The metadata rules the API server applies to every object: names, generateName, labels.</summary>
public static partial class ObjectMetaRules
{
    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    private const string QualifiedNameMessage = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>Fills metadata.name from generateName (five random characters, like the API server).</summary>
    public static void GenerateName(JsonObject meta)
    {
        if (string.IsNullOrEmpty(Json.Str(meta["name"])) && Json.Str(meta["generateName"]) is { Length: > 0 } prefix)
        {
            var chars = new char[5];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = GenerateNameAlphabet[Random.Shared.Next(GenerateNameAlphabet.Length)];
            }

            meta["name"] = prefix + new string(chars);
        }
    }

    public static List<StatusCause> Validate(ResourceType type, JsonObject obj)
    {
        var errors = new List<StatusCause>();
        var meta = obj["metadata"] as JsonObject;
        var name = Json.Str(meta?["name"]);
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(new StatusCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name"));
        }
        else if (type.IsCustom)
        {
            if (name is "." or "..")
            {
                errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": may not be '{name}'", "metadata.name"));
            }
            else if (name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal))
            {
                errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": may not contain '{(name.Contains('/', StringComparison.Ordinal) ? '/' : '%')}'", "metadata.name"));
            }
        }
        else if (type.Plural == "namespaces")
        {
            if (name.Length > 63 || !DnsLabel().IsMatch(name))
            {
                errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": {LabelMessage}", "metadata.name"));
            }
        }
        else if (name.Length > 253 || !DnsSubdomain().IsMatch(name))
        {
            errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{name}\": {SubdomainMessage}", "metadata.name"));
        }

        if (meta?["labels"] is JsonObject labels)
        {
            foreach (var (key, valueNode) in labels)
            {
                ValidateQualifiedName(key, "metadata.labels", errors);
                var value = Json.Str(valueNode);
                if (value == null)
                {
                    errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {SchemaValidator.Show(valueNode)}: label values must be strings", $"metadata.labels.{key}"));
                }
                else if (value.Length > 63)
                {
                    errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{value}\": must be no more than 63 characters", "metadata.labels"));
                }
                else if (!LabelValue().IsMatch(value))
                {
                    errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{value}\": {LabelValueMessage}", "metadata.labels"));
                }
            }
        }

        if (meta?["annotations"] is JsonObject annotations)
        {
            foreach (var (key, valueNode) in annotations)
            {
                ValidateQualifiedName(key.ToLowerInvariant(), "metadata.annotations", errors);
                if (Json.Str(valueNode) == null)
                {
                    errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {SchemaValidator.Show(valueNode)}: annotation values must be strings", $"metadata.annotations.{key}"));
                }
            }
        }

        return errors;
    }

    private static void ValidateQualifiedName(string key, string field, List<StatusCause> errors)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var namePart = slash >= 0 ? key[(slash + 1)..] : key;
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > 253 || !DnsSubdomain().IsMatch(prefix))
            {
                errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{key}\": prefix part {SubdomainMessage}", field));
            }
        }

        if (namePart.Length == 0 || namePart.Length > 63 || !QualifiedName().IsMatch(namePart))
        {
            errors.Add(new StatusCause("FieldValueInvalid", $"Invalid value: \"{key}\": {QualifiedNameMessage}", field));
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedName();
}
