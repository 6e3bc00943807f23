using System.Text;

namespace KeepOperator.Lab.Tests.Lab;

/// <summary>Parses one logfmt line: key=value pairs separated by spaces, values optionally double-quoted with \" escapes.</summary>
public static class Logfmt
{
    public static IReadOnlyDictionary<string, string> Parse(string line)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }

            var keyStart = i;
            while (i < line.Length && line[i] != '=' && line[i] != ' ')
            {
                i++;
            }

            var key = line[keyStart..i];
            if (i >= line.Length || line[i] != '=')
            {
                if (key.Length > 0)
                {
                    result[key] = string.Empty;
                }

                continue;
            }

            i++; // '='
            string value;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                var sb = new StringBuilder();
                while (i < line.Length && line[i] != '"')
                {
                    if (line[i] == '\\' && i + 1 < line.Length)
                    {
                        i++;
                    }

                    sb.Append(line[i]);
                    i++;
                }

                i++; // closing quote
                value = sb.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < line.Length && line[i] != ' ')
                {
                    i++;
                }

                value = line[valueStart..i];
            }

            if (key.Length > 0)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
