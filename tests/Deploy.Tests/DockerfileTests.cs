using System.Text.RegularExpressions;
using Xunit;

namespace KeepOperator.Deploy.Tests;

/// <summary>
/// No container engine runs here, so the images' publish step is proved through tools/publish.sh, which CI runs:
/// these tests hold the Dockerfiles' `dotnet publish` commands and the script's equal.
/// </summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string, string> Images => new()
    {
        { "Dockerfile.agent", "keepoperator-agent" },
        { "Dockerfile.operator", "keepoperator" },
    };

    [Fact]
    public void TheDockerfilesPublishExactlyAsToolsPublishShDoes()
    {
        var fromDockerfiles = new[] { "Dockerfile.agent", "Dockerfile.operator" }.SelectMany(f => PublishCommands(Path.Combine(RepoPaths.Root, f))).ToList();
        var fromScript = PublishCommands(Path.Combine(RepoPaths.Root, "tools", "publish.sh"));

        Assert.Equal(2, fromDockerfiles.Count);
        Assert.Equal(fromScript, fromDockerfiles);
    }

    [Fact]
    public void TheAgentIsNativeAotAndTheOperatorFrameworkDependent()
    {
        Assert.Contains("-p:PublishAot=true", Assert.Single(PublishCommands(Path.Combine(RepoPaths.Root, "Dockerfile.agent"))));
        Assert.Contains("--self-contained false", Assert.Single(PublishCommands(Path.Combine(RepoPaths.Root, "Dockerfile.operator"))));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void EachImageCarriesTheOciLabelsAndMapsTargetArchToARid(string dockerfile, string title)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, dockerfile));

        Assert.All(["source", "title", "description", "licenses", "version"], label => Assert.Contains($"org.opencontainers.image.{label}=", text, StringComparison.Ordinal));
        Assert.Contains($"org.opencontainers.image.title=\"{title}\"", text, StringComparison.Ordinal);
        Assert.Contains("org.opencontainers.image.version=\"${VERSION}\"", text, StringComparison.Ordinal);
        Assert.Contains("ARG TARGETARCH", text, StringComparison.Ordinal);
        Assert.Contains("RID=\"linux-$(echo \"$TARGETARCH\" | sed 's/amd64/x64/')\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOperatorImageRunsAsNonRoot()
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.Root, "Dockerfile.operator"));

        Assert.Equal("USER $APP_UID", text.Split('\n').Last(l => l.StartsWith("USER ", StringComparison.Ordinal)));
    }

    /// <summary>The `dotnet publish` commands of a Dockerfile or script, continuation lines joined, each up to `&amp;&amp;` or the line's end.</summary>
    private static List<string> PublishCommands(string path)
    {
        var joined = LineContinuation().Replace(File.ReadAllText(path), " ");
        return joined.Split('\n')
            .Select(line => PublishCommand().Match(line))
            .Where(m => m.Success)
            .Select(m => Whitespace().Replace(m.Value.Trim(), " "))
            .ToList();
    }

    [GeneratedRegex(@"\\\n\s*")]
    private static partial Regex LineContinuation();

    [GeneratedRegex(@"dotnet publish [^&\n]*")]
    private static partial Regex PublishCommand();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
