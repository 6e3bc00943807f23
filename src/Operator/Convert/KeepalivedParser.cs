namespace KeepOperator.Operator.Convert;

/// <summary>
/// Builds the statement tree of one keepalived configuration file, splicing in <c>include</c>d files the way
/// keepalived does: an <c>include PATTERN</c> line is replaced by the files the glob matches, resolved relative to the
/// including file. Errors (unbalanced braces, unreadable files, include cycles) name the line; parsing goes on after
/// them so that one run lists them all. Never throws on any text. A line starting with <c>@NAME</c> (or <c>@^NAME</c>) is
/// keepalived's conditional line: kept, without the prefix, only on the host whose config id (<c>keepalived -i</c>) is
/// (or is not) NAME; a dropped line that opens a block drops the block.
/// </summary>
public sealed class KeepalivedParser
{
    /// <summary>keepalived's own blocks nest four deep at most; anything far deeper is a broken file, not a config.</summary>
    public const int MaxNesting = 32;

    private const int MaxIncludeDepth = 16;

    private readonly IConfigFileSource files;
    private readonly Diagnostics diagnostics;
    private readonly string? configId;
    private readonly ISet<string>? conditionNames;
    private readonly List<ConfigToken> tokens = [];
    private int position;
    private int droppedDepth;

    private KeepalivedParser(IConfigFileSource files, Diagnostics diagnostics, string? configId = null, ISet<string>? conditionNames = null)
    {
        this.files = files;
        this.diagnostics = diagnostics;
        this.configId = configId;
        this.conditionNames = conditionNames;
    }

    /// <summary>Parses the file at <paramref name="path"/>; an unreadable file is an error, and null.</summary>
    /// <param name="configId">The host's config id, which <c>@NAME</c> lines are kept for; null: none is kept.</param>
    /// <param name="conditionNames">Collects the NAMEs of the conditional lines met.</param>
    public static IReadOnlyList<ConfigNode>? ParseFile(string path, IConfigFileSource files, Diagnostics diagnostics, string? configId = null, ISet<string>? conditionNames = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var parser = new KeepalivedParser(files, diagnostics, configId, conditionNames);
        if (!files.TryRead(path, out var text, out var error))
        {
            diagnostics.Error(null, $"{path}: cannot read: {error}");
            return null;
        }

        parser.AddFile(text, path, [path]);
        return parser.ParseAll();
    }

    /// <summary>Parses <paramref name="text"/> as if read from a file named <paramref name="name"/>.</summary>
    public static IReadOnlyList<ConfigNode> ParseText(string text, string name, IConfigFileSource files, Diagnostics diagnostics)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var parser = new KeepalivedParser(files, diagnostics);
        parser.AddFile(text, name, [name]);
        return parser.ParseAll();
    }

    private void AddFile(string text, string path, List<string> includeStack)
    {
        var fileTokens = KeepalivedLexer.Lex(text, path, diagnostics);
        var lineStart = 0;
        for (var i = 0; i < fileTokens.Count; i++)
        {
            if (fileTokens[i].Kind != ConfigTokenKind.EndOfLine)
            {
                continue;
            }

            var line = fileTokens.GetRange(lineStart, i - lineStart + 1);
            lineStart = i + 1;
            if (droppedDepth > 0)
            {
                droppedDepth = Math.Max(0, droppedDepth + BraceBalance(line));
                continue;
            }

            if (line is [{ Kind: ConfigTokenKind.Word, Text: ['@', .. var condition] }, ..])
            {
                var negated = condition.StartsWith('^');
                var name = negated ? condition[1..] : condition;
                conditionNames?.Add(name);
                if ((name == configId) == negated)
                {
                    droppedDepth = Math.Max(0, BraceBalance(line));
                    continue;
                }

                line.RemoveAt(0);
            }

            if (line is [{ Kind: ConfigTokenKind.Word, Text: "include" } include, { Kind: ConfigTokenKind.Word } pattern, _])
            {
                Include(pattern.Text, include.Location, includeStack);
            }
            else
            {
                tokens.AddRange(line);
            }
        }
    }

    private static int BraceBalance(List<ConfigToken> line) =>
        line.Count(t => t.Kind == ConfigTokenKind.OpenBrace) - line.Count(t => t.Kind == ConfigTokenKind.CloseBrace);

    private void Include(string pattern, SourceLocation location, List<string> includeStack)
    {
        if (includeStack.Count > MaxIncludeDepth)
        {
            diagnostics.Error(location, $"include nested more than {MaxIncludeDepth} deep");
            return;
        }

        // keepalived changes into the including file's directory; ".." is resolved so that cycles are recognised.
        var resolved = Path.Combine(Path.GetDirectoryName(location.File) ?? "", pattern);
        var matches = files.Glob(Path.IsPathRooted(resolved) ? Path.GetFullPath(resolved) : resolved);
        if (matches.Count == 0)
        {
            // keepalived only logs this and goes on; what the missing file held is not converted, so say so.
            diagnostics.Warning(location, $"include {pattern}: no file matches");
            return;
        }

        foreach (var match in matches)
        {
            if (includeStack.Contains(match))
            {
                diagnostics.Error(location, $"include {pattern}: {match} includes itself (through {string.Join(" -> ", includeStack)})");
                continue;
            }

            if (!files.TryRead(match, out var text, out var error))
            {
                diagnostics.Error(location, $"include {pattern}: cannot read {match}: {error}");
                continue;
            }

            AddFile(text, match, [.. includeStack, match]);
        }
    }

    private List<ConfigNode> ParseAll() => ParseBlock(depth: 0, opener: null);

    private List<ConfigNode> ParseBlock(int depth, SourceLocation? opener)
    {
        var nodes = new List<ConfigNode>();
        while (position < tokens.Count)
        {
            var token = tokens[position];
            switch (token.Kind)
            {
                case ConfigTokenKind.EndOfLine:
                    position++;
                    break;
                case ConfigTokenKind.CloseBrace:
                    position++;
                    if (opener is not null)
                    {
                        return nodes;
                    }

                    diagnostics.Error(token.Location, "'}' without a matching '{'");
                    break;
                case ConfigTokenKind.OpenBrace:
                    diagnostics.Error(token.Location, "'{' without a keyword before it");
                    position++;
                    ParseChildren(depth, token.Location);
                    break;
                default:
                    nodes.Add(ParseStatement(depth));
                    break;
            }
        }

        if (opener is { } open)
        {
            diagnostics.Error(open, "'{' is never closed (the file ends first)");
        }

        return nodes;
    }

    private ConfigNode ParseStatement(int depth)
    {
        var location = tokens[position].Location;
        var words = new List<string>();
        while (position < tokens.Count && tokens[position].Kind == ConfigTokenKind.Word)
        {
            words.Add(tokens[position++].Text);
        }

        // keepalived accepts the block's '{' on a following line.
        var next = position;
        while (next < tokens.Count && tokens[next].Kind == ConfigTokenKind.EndOfLine)
        {
            next++;
        }

        IReadOnlyList<ConfigNode>? children = null;
        if (next < tokens.Count && tokens[next].Kind == ConfigTokenKind.OpenBrace)
        {
            var open = tokens[next].Location;
            position = next + 1;
            children = ParseChildren(depth, open);
        }

        return new ConfigNode(words[0], words.Skip(1).ToList(), children, location);
    }

    private List<ConfigNode> ParseChildren(int depth, SourceLocation open)
    {
        if (depth + 1 <= MaxNesting)
        {
            return ParseBlock(depth + 1, open);
        }

        diagnostics.Error(open, $"blocks nested more than {MaxNesting} deep");
        SkipBlock(open);
        return [];
    }

    /// <summary>Steps over a block without recursing, so no input can exhaust the stack.</summary>
    private void SkipBlock(SourceLocation open)
    {
        var level = 1;
        while (position < tokens.Count)
        {
            var kind = tokens[position++].Kind;
            level += kind switch
            {
                ConfigTokenKind.OpenBrace => 1,
                ConfigTokenKind.CloseBrace => -1,
                _ => 0,
            };
            if (level == 0)
            {
                return;
            }
        }

        diagnostics.Error(open, "'{' is never closed (the file ends first)");
    }
}
