using System.Reflection;
using System.Text.RegularExpressions;
using RecallKit.Vision.RunFiles;

namespace RecallKit.Tests.Analyzers;

/// <summary>
/// A run's file names and its checkpoints' section names are spelled once, in <see cref="RunDirectory"/> and
/// <see cref="RunCheckpoint"/>: no other source file of src or bench may retype them (tests may: they pin the format).
/// </summary>
public sealed partial class ArchitectureRulesTests
{
    private static readonly string[] NameOwners =
        ["RecallKit.Vision/RunFiles/RunDirectory.cs", "RecallKit.Vision/RunFiles/RunCheckpoint.cs"];

    private static string[] Constants(Type type) => type.GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    private static readonly string[] RunFileNames = Constants(typeof(RunDirectory));

    private static readonly string[] SectionNames = Constants(typeof(RunCheckpoint));

    [GeneratedRegex(@"^\s*//.*$", RegexOptions.Multiline)]
    private static partial Regex WholeLineComment();

    /// <summary>Code without comments: whole-line ones, and a trailing <c>//</c> after an even count of quotes (not in a string).</summary>
    private static string WithoutComments(string code) =>
        string.Join('\n', WholeLineComment().Replace(code, "").Split('\n').Select(WithoutTrailingComment));

    private static string WithoutTrailingComment(string line)
    {
        for (int at = line.IndexOf("//", StringComparison.Ordinal); at >= 0; at = line.IndexOf("//", at + 2, StringComparison.Ordinal))
            if (line[..at].Count(c => c == '"') % 2 == 0) return line[..at];
        return line;
    }

    /// <summary>The run-file and section names <paramref name="code"/> spells itself.</summary>
    private static IEnumerable<string> RetypedNames(string code)
    {
        code = WithoutComments(code);
        foreach (var name in RunFileNames)
        {
            // A name with a dot cannot be an identifier: outside a comment it is inside a string. A plain word: a whole literal only.
            var pattern = name.Contains('.') ? $@"(?<![\w.-]){Regex.Escape(name)}(?!\w)" : $"\"{Regex.Escape(name)}\"";
            if (Regex.IsMatch(code, pattern)) yield return name;
        }
        foreach (var name in SectionNames)
        {
            var passed = Regex.IsMatch(code, $@"\.(?:Get|GetText|Set|SetText|Has|Read)\(\s*""{Regex.Escape(name)}""");
            if (passed || (name.Contains('_') && code.Contains($"\"{name}\""))) yield return name; // "model_keys" is no common word
        }
    }

    [Fact]
    public void RunFileAndSectionNamesAreSpelledOnlyInRunDirectoryAndRunCheckpoint()
    {
        Assert.Contains("best_metrics.json", RunFileNames);
        Assert.Contains("model_keys", SectionNames);
        var root = Root();
        var retyped = new[] { "src", "bench" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .Where(f => !NameOwners.Any(owner => f.EndsWith(owner, StringComparison.Ordinal)))
            .SelectMany(f => RetypedNames(File.ReadAllText(f)).Select(name => $"{Path.GetRelativePath(root, f)} spells \"{name}\""))
            .ToArray();
        Assert.True(retyped.Length == 0, "use RunDirectory / RunCheckpoint instead: " + string.Join("; ", retyped));
    }

    [Theory]
    [InlineData("var p = Path.Combine(dir, \"metrics.json\");", "metrics.json")]
    [InlineData("throw new X($\"{dir}/last.ckpt is broken\");", "last.ckpt")]
    [InlineData("File.ReadAllText(run.Combine(\"best_metrics.json\"));", "best_metrics.json")]
    [InlineData("sb.AppendLine($\"  \\\"output\\\": 1  // logs in train_log.csv\");", "train_log.csv")]
    [InlineData("var t = Path.Combine(dir, \"tensorboard\");", "tensorboard")]
    [InlineData("checkpoint.GetText(\"config\");", "config")]
    [InlineData("checkpoint.Read( \"optimizer\", r => o.load_state_dict(r));", "optimizer")]
    [InlineData("var keys = \"model_keys\";", "model_keys")]
    public void TheRunFileNameRuleFindsARetypedName(string code, string name) => Assert.Equal([name], RetypedNames(code));

    [Theory]
    [InlineData("var p = run.Combine(RunDirectory.MetricsFile); // metrics.json")]
    [InlineData("/// <summary>Writes best_metrics.json.</summary>\nvoid Write() { }")]
    [InlineData("checkpoint.GetText(RunCheckpoint.Config);")]
    [InlineData("var tensorboard = new SummaryWriter(run.TensorBoard); var config = \"config\";")]
    [InlineData("var eval = \"my_eval_log.csv.bak\";")]
    public void TheRunFileNameRuleLeavesNamesThroughTheConstantsAlone(string code) => Assert.Empty(RetypedNames(code));
}
