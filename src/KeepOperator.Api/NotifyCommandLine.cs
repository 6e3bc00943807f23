using System.Text;

namespace KeepOperator.Api;

/// <summary>
/// Splits a notify command line into argv as keepalived does: whitespace separates words, single or double quotes
/// group a word (quotes may sit inside a word: a"b c"d is one word), a backslash escapes the next character outside
/// single quotes. No shell: no variables, globs, pipes or redirections.
/// </summary>
public static class NotifyCommandLine
{
    public static bool TrySplit(string line, out IReadOnlyList<string> argv, out string error)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                {
                    word.Append(line[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true; // "" is an empty argument
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
                inWord = true;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0')
        {
            argv = [];
            error = $"unterminated {(quote == '"' ? "double" : "single")} quote";
            return false;
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        argv = words;
        error = "";
        return true;
    }

    /// <summary>For a line the validator accepted.</summary>
    public static IReadOnlyList<string> Split(string line) =>
        TrySplit(line, out var argv, out var error) ? argv : throw new FormatException(error);
}
