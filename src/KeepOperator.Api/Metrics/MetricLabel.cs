using System.Text;

namespace KeepOperator.Api.Metrics;

/// <summary>Label values from C# names, in the snake_case Prometheus exporters use (AuthMismatch -> auth_mismatch).</summary>
public static class MetricLabel
{
    public static string SnakeCase<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var name = value.ToString();
        var label = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                label.Append('_');
            }
            label.Append(char.ToLowerInvariant(name[i]));
        }
        return label.ToString();
    }
}
