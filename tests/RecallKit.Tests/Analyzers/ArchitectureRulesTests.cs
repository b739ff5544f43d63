using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using RecallKit.Vision.Configuration;

namespace RecallKit.Tests.Analyzers;

/// <summary>
/// The layer rules of docs/architecture.md, checked on the source: which Vision folders each folder may use, read from its
/// files' <c>using</c> lines and qualified names. Known exceptions are listed here; one that no longer occurs fails too, so
/// the list only shrinks.
/// </summary>
public sealed partial class ArchitectureRulesTests
{
    private static readonly string[] Folders =
        ["Classification", "Configuration", "Data", "Distributed", "Experiments", "Inference", "Interop", "Models", "Reports", "RunFiles", "Segmentation", "Tasks", "Training"];

    private static readonly string[] Shared = ["Configuration", "Data", "Models", "Distributed", "Interop", "Inference", "RunFiles", "Training", "Reports"];

    /// <summary>What each Vision folder may use besides itself (docs/architecture.md).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Data"] = [],
        ["Models"] = [],
        ["Distributed"] = [],
        ["Inference"] = [],
        ["Configuration"] = ["Data", "Models"],
        ["Interop"] = ["Configuration", "Data", "Models"],
        ["RunFiles"] = ["Configuration", "Data", "Models", "Interop"],
        ["Training"] = ["Configuration", "Data", "Models", "Distributed", "Interop", "Inference", "RunFiles"],
        ["Reports"] = ["Configuration", "Data", "Models", "RunFiles"],
        ["Tasks"] = Shared,
        ["Segmentation"] = [.. Shared, "Tasks"],
        ["Classification"] = [.. Shared, "Tasks"],
        ["Experiments"] = [.. Shared, "Tasks", "Segmentation", "Classification"],
    };

    /// <summary>Uses the redesign (task slices) is to remove: file → folder it may not use.</summary>
    private static readonly HashSet<(string File, string Uses)> KnownExceptions =
    [
    ];

    /// <summary>
    /// Files that still decide between segmentation and classification themselves instead of asking the task
    /// (<c>Experiments/VisionTasks</c>); the list only shrinks. The registry's own tables (which task a dataset kind or an
    /// architecture belongs to) are not branches.
    /// </summary>
    private static readonly string[] KnownTaskBranches =
    [
        "RecallKit.Onnx/OnnxPredictor.cs",
        "RecallKit.Vision/Configuration/ClassBalancedOptions.cs",
        "RecallKit.Vision/Configuration/ConfigApplicability.cs",
        "RecallKit.Vision/Configuration/ConfigValidation.cs",
        "RecallKit.Vision/Configuration/ImageFileOptions.cs",
        "RecallKit.Vision/Configuration/PixelSamplerOptions.cs",
        "RecallKit.Vision/Configuration/RepeatFactorOptions.cs",
        "RecallKit.Vision/Configuration/SegmentationAugmentationOptions.cs",
        "RecallKit.Vision/Configuration/StarterConfig.cs",
        "RecallKit.Vision/Interop/ModelInput.cs",
        "RecallKit.Vision/Interop/PyTorchModelInfo.cs",
    ];

    private static readonly string[] TaskRegistry = ["RecallKit.Vision/Data/DatasetKind.cs", "RecallKit.Vision/Models/Architecture.cs", "RecallKit.Vision/Experiments/VisionTasks.cs"];

    [GeneratedRegex(@"[=!]=\s*TaskKind\.|TaskKind\.\w+\s*[=!]=|IsClassification\(|case\s+TaskKind\.|TaskKind\.\w+\s*=>\s*[^;]|is\s+TaskKind\.")]
    private static partial Regex TaskBranch();

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

    [Fact]
    public void OnlyTheTaskRegistryDecidesBetweenSegmentationAndClassification()
    {
        var src = Path.Combine(Root(), "src");
        var branching = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .Where(f => TaskBranch().IsMatch(LineComment().Replace(File.ReadAllText(f), "")))
            .Select(f => Path.GetRelativePath(src, f).Replace('\\', '/'))
            .Except(TaskRegistry)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var added = branching.Except(KnownTaskBranches).ToArray();
        Assert.True(added.Length == 0,
            "these files decide between the tasks themselves; ask the task (IVisionTask, Experiments/VisionTasks) instead: " + string.Join(", ", added));
        Assert.Equal(KnownTaskBranches.Order(StringComparer.Ordinal), branching); // a file that no longer branches must leave the list
    }

    /// <summary>
    /// Files that may spell a config key as a string literal (<c>"section.key"</c>) instead of naming it from its property with
    /// <see cref="ConfigKey"/>: none. Keys inside prose (a message's "with loss.kind = focal") are text, not key names, and are
    /// not matched: the pattern is a literal that is nothing but keys.
    /// </summary>
    private static readonly string[] KnownKeyLiterals = [];

    /// <summary>A string literal of nothing but config keys (<c>"loss.gamma"</c>, <c>"model.head / model.stage"</c>).</summary>
    private static Regex KeyLiteral()
    {
        var sections = ConfigLoader.Options.GetTypeInfo(typeof(TrainConfig)).Properties
            .Where(p => ConfigLoader.Options.GetTypeInfo(p.PropertyType).Kind == JsonTypeInfoKind.Object).Select(p => p.Name).ToArray();
        Assert.Contains("loss", sections);
        var key = $@"(?:{string.Join('|', sections)})\.[a-z0-9_]+";
        return new Regex($@"\$?""{key}(?:[\s,/]+{key})*""");
    }

    [Fact]
    public void NoConfigKeyIsSpelledAsAStringLiteral()
    {
        var pattern = KeyLiteral();
        Assert.Matches(pattern, "Require(ok, \"loss.gamma\", value);");
        Assert.Matches(pattern, "var k = $\"model.head / model.stage\";");
        Assert.DoesNotMatch(pattern, "\"with loss.kind = focal\"");
        var src = Path.Combine(Root(), "src");
        var spelled = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/"))
            .SelectMany(f => pattern.Matches(LineComment().Replace(File.ReadAllText(f), ""))
                .Select(m => (File: Path.GetRelativePath(src, f).Replace('\\', '/'), Literal: m.Value)))
            .ToArray();
        var added = spelled.Where(s => !KnownKeyLiterals.Contains(s.File)).Select(s => $"{s.File}: {s.Literal}").ToArray();
        Assert.True(added.Length == 0,
            "config keys spelled as literals; name them with ConfigKey.Of(c => c.Section.Property): " + string.Join("; ", added));
        Assert.Equal(KnownKeyLiterals.Order(StringComparer.Ordinal), spelled.Select(s => s.File).Distinct().Order(StringComparer.Ordinal));
    }
}
