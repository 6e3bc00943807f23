using System.Text;

namespace KeepOperator.Operator.Convert;

/// <summary>
/// Splits keepalived configuration text into words, braces and line ends, by keepalived's own rules
/// (lib/parser.c): <c>!</c> and <c>#</c> outside double quotes start a comment anywhere on a line (so
/// <c>lll  ## note</c> is the word <c>lll</c>), <c>\#</c> and <c>\!</c> are literal, a double-quoted string is one
/// word without its quotes, and <c>{</c> and <c>}</c> are tokens of their own even when attached to a word. A NUL
/// character ends the line (keepalived reads lines as C strings), with a warning.
/// </summary>
public static class KeepalivedLexer
{
    public static List<ConfigToken> Lex(string text, string file, Diagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var tokens = new List<ConfigToken>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            LexLine(lines[i].TrimEnd('\r'), new SourceLocation(file, i + 1), tokens, diagnostics);
        }

        return tokens;
    }

    private static void LexLine(string line, SourceLocation location, List<ConfigToken> tokens, Diagnostics diagnostics)
    {
        // Left in, a NUL would reach paths (an include pattern) that .NET refuses with an exception.
        var nul = line.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            diagnostics.Warning(location, "a NUL character ends the line here (keepalived reads lines as C strings): ignored what follows it");
            line = line[..nul];
        }

        var word = new StringBuilder();
        void Flush()
        {
            if (word.Length > 0)
            {
                tokens.Add(new(ConfigTokenKind.Word, word.ToString(), location));
                word.Clear();
            }
        }

        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c is '!' or '#')
            {
                break;
            }

            switch (c)
            {
                case ' ' or '\t' or '\f' or '\v':
                    Flush();
                    break;
                case '\\' when i + 1 < line.Length && line[i + 1] is '!' or '#':
                    word.Append(line[++i]);
                    break;
                case '"':
                    Flush();
                    var close = line.IndexOf('"', i + 1);
                    if (close < 0)
                    {
                        diagnostics.Error(location, "unterminated quoted string (a '\"' without its closing '\"')");
                        close = line.Length;
                    }

                    tokens.Add(new(ConfigTokenKind.Word, line[(i + 1)..close], location));
                    i = close;
                    break;
                case '{':
                    Flush();
                    tokens.Add(new(ConfigTokenKind.OpenBrace, "{", location));
                    break;
                case '}':
                    Flush();
                    tokens.Add(new(ConfigTokenKind.CloseBrace, "}", location));
                    break;
                default:
                    word.Append(c);
                    break;
            }
        }

        Flush();
        tokens.Add(new(ConfigTokenKind.EndOfLine, "", location));
    }
}
