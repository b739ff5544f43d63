using System.Text.RegularExpressions;
using RecallKit.Tests.Support;

namespace RecallKit.Tests.Docs;

/// <summary>README.md, the front door: short, its code compiled, its links and commands real, its test command CI's.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string Root = DocsSite.RepositoryRoot();
    private static string Readme() => File.ReadAllText(Path.Combine(Root, "README.md")).ReplaceLineEndings("\n");

    [Fact]
    public void TheReadmeHasAtMost200Lines()
    {
        var lines = Readme().TrimEnd('\n').Split('\n').Length;
        Assert.True(lines <= 200, $"README.md has {lines} lines; move detail to docs/ (the limit is 200)");
    }

    [Fact]
    public void ItsCSharpSnippetIsTheTrainingLoopSampleThatTheTestsBuildAndRun()
    {
        var block = CodeBlock().Matches(Readme()).Single(m => m.Groups[1].Value == "csharp").Groups[2].Value;
        var sample = File.ReadAllText(Path.Combine(Root, "samples", "RecallLossLoop", "Program.cs")).ReplaceLineEndings("\n");
        var code = string.Join('\n', sample.Split('\n').SkipWhile(l => l.StartsWith("//", StringComparison.Ordinal)));
        Assert.True(code == block,
            "the README's C# block differs from samples/RecallLossLoop/Program.cs below its header comment: copy one to the other");
    }

    [Fact]
    public void ItGivesTheTestCommandThatCiRuns()
    {
        var ci = File.ReadAllLines(Path.Combine(Root, ".ci", "run"));
        var marker = Array.FindIndex(ci, l => l.Trim() == "# README.md: the test command");
        Assert.True(marker >= 0, ".ci/run lost its '# README.md: the test command' marker");
        var command = ci[marker + 1].Split(" 2>&1", 2)[0].Trim();
        Assert.Equal("dotnet test RecallKit.slnx", command);
        Assert.Contains(Readme().Split('\n'), l => l.StartsWith(command + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryRelativeLinkPointsToAFileOfTheRepository()
    {
        var missing = Link().Matches(Readme()).Select(m => m.Groups[1].Value)
            .Where(target => !target.Contains("://", StringComparison.Ordinal))
            .Select(target => target.Split('#')[0])
            .Where(path => path.Length > 0 && !File.Exists(Path.Combine(Root, path)) && !Directory.Exists(Path.Combine(Root, path)))
            .ToList();
        Assert.True(missing.Count == 0, "README.md links to files that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task EveryCommandOfItsCommandTableExists()
    {
        var rows = Readme().Split('\n').Where(l => l.StartsWith("| `recallkit ", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count >= 8, $"the command table has {rows.Count} rows");
        var commands = rows.SelectMany(Commands).Distinct().ToList();
        foreach (var command in commands)
        {
            var (code, _, stderr) = await CliProcess.RunAsync([.. command.Split(' '), "--help"]);
            Assert.True(code == 0, $"README's command table names `recallkit {command}`, which does not exist: {stderr}");
        }
    }

    /// <summary>The commands a row names: "`recallkit config init\|show` …" gives "config init" and "config show".</summary>
    private static IEnumerable<string> Commands(string row)
    {
        foreach (Match cell in CommandCell().Matches(row.Split(" | ", 2)[0]))
        {
            var words = cell.Groups[1].Value.Split(' ');
            if (words.Length > 1 && words[1].Contains("\\|", StringComparison.Ordinal))
                foreach (var sub in words[1].Split("\\|")) yield return words[0] + " " + sub;
            else if (words.Length > 1 && Regex.IsMatch(words[1], "^[a-z][a-z-]*$")) yield return words[0] + " " + words[1];
            else yield return words[0];
        }
    }

    [GeneratedRegex(@"```(\w+)\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`recallkit ([a-z-]+(?: [a-z\\|-]+)?)")]
    private static partial Regex CommandCell();
}
