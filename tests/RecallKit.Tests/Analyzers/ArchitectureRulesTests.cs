using System.Text.RegularExpressions;

namespace RecallKit.Tests.Analyzers;

/// <summary>
/// The layer rules of docs/architecture.md, checked on the source: which Vision folders each folder may use, read from its
/// files' <c>using</c> lines and qualified names. Known exceptions are listed here; one that no longer occurs fails too, so
/// the list only shrinks.
/// </summary>
public sealed partial class ArchitectureRulesTests
{
    private static readonly string[] Folders = ["Configuration", "Data", "Distributed", "Experiments", "Inference", "Interop", "Models", "Reports", "Training"];

    /// <summary>What each Vision folder may use besides itself (docs/architecture.md).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Data"] = [],
        ["Models"] = [],
        ["Distributed"] = [],
        ["Inference"] = [],
        ["Configuration"] = ["Data", "Models"],
        ["Interop"] = ["Configuration", "Data", "Models"],
        ["Training"] = ["Configuration", "Data", "Models", "Distributed", "Interop", "Inference"],
        ["Reports"] = ["Configuration", "Data", "Models", "Training"],
        ["Experiments"] = ["Configuration", "Data", "Models", "Distributed", "Interop", "Inference", "Training", "Reports"],
    };

    /// <summary>Uses the redesign (task slices) is to remove: file → folder it may not use.</summary>
    private static readonly HashSet<(string File, string Uses)> KnownExceptions =
    [
        ("Models/SynchronizedBatchNorm2d.cs", "Distributed"),
    ];

    private static string Root()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RecallKit.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        return root;
    }

    [GeneratedRegex(@"(?:RecallKit\.)?\bVision\.(\w+)")]
    private static partial Regex VisionName();

    [GeneratedRegex(@"//.*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    private static IEnumerable<(string File, string Uses)> Uses(string directory, string relativeTo)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")))
        {
            var code = LineComment().Replace(File.ReadAllText(file), "");
            foreach (var used in VisionName().Matches(code).Select(m => m.Groups[1].Value).Where(Folders.Contains).Distinct())
                yield return (Path.GetRelativePath(relativeTo, file).Replace('\\', '/'), used);
        }
    }

    [Fact]
    public void EveryVisionFolderUsesOnlyTheFoldersTheArchitectureAllows()
    {
        var vision = Path.Combine(Root(), "src", "RecallKit.Vision");
        var violations = new List<string>();
        var seen = new HashSet<(string, string)>();
        foreach (var (file, used) in Uses(vision, vision))
        {
            var folder = file.Split('/')[0];
            if (!Allowed.TryGetValue(folder, out var allowed) || folder == used || allowed.Contains(used)) continue;
            if (KnownExceptions.Contains((file, used))) seen.Add((file, used));
            else violations.Add($"{file} uses Vision/{used}");
        }
        Assert.True(violations.Count == 0, "layer rules broken (docs/architecture.md): " + string.Join("; ", violations));
        Assert.Equal(KnownExceptions.Order(), seen.Order()); // a fixed exception must leave the list
    }

    [Fact]
    public void TheCoreLibraryKnowsNothingOfVision()
    {
        var core = Path.Combine(Root(), "src", "RecallKit");
        Assert.Empty(Uses(core, core));
        Assert.DoesNotContain(Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories), f => !f.Contains("/obj/") && File.ReadAllText(f).Contains("RecallKit.Vision"));
    }
}
