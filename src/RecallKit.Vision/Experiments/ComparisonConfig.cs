using System.Text.Json;
using System.Text.Json.Nodes;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.RunFiles;

namespace RecallKit.Vision.Experiments;

/// <summary>One compared variant: a name and the config overrides that make it (e.g. <c>loss.kind=recall</c>).</summary>
/// <param name="Name">Directory name and table label.</param>
/// <param name="Set">Overrides applied to the base config.</param>
public sealed record ComparisonVariant(string Name, IReadOnlyList<string> Set);

/// <summary>
/// A comparison: a base training config, the variants, the seeds, and the output directory
/// (<c>output/&lt;variant&gt;/seed-&lt;k&gt;</c>). In a variant's overrides <c>{seed}</c> and <c>{output}</c> are replaced, so a
/// decoupling stage can start from an earlier variant: <c>model.init_from={output}/ce/seed-{seed}/last.ckpt</c>. JSON: <c>{"output": "...", "seeds": [0], "base": {…train config…}, "variants": [{"name": "recall", "set": ["loss.kind=recall"]}]}</c>.
/// </summary>
public sealed record ComparisonConfig(string Output, IReadOnlyList<int> Seeds, JsonObject Base, IReadOnlyList<ComparisonVariant> Variants)
{
    /// <summary>The full config of one variant and seed.</summary>
    public TrainConfig For(ComparisonVariant variant, int seed, IEnumerable<string>? extraOverrides = null)
    {
        var set = variant.Set.Select(v => v.Replace("{seed}", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)).Replace("{output}", Output)).ToArray();
        // The base serves every variant (e.g. an optimiser that τ-norm does not use); keys a variant sets itself are checked.
        var ownKeys = set.Select(a => a.Split('=')[0].Trim()).ToHashSet(StringComparer.Ordinal);
        var shared = ConfigApplicability.Flatten(Base).Keys.Where(k => !ownKeys.Contains(k)).ToHashSet(StringComparer.Ordinal);
        try
        {
            string[] overrides = [.. set, .. extraOverrides ?? [], $"seed={seed}", $"output={RunDirectory(variant, seed)}"];
            return ConfigLoader.Load(Base, "base", overrides, shared);
        }
        catch (ConfigException e)
        {
            throw new ConfigException($"variant '{variant.Name}': {e.Message}");
        }
    }

    /// <summary>
    /// Applies command-line overrides: <c>output=DIR</c> moves the whole comparison (every run and the report) to DIR; the
    /// others are returned to be applied to every variant. <c>seed</c> is refused: a comparison's seeds are its <c>"seeds"</c>.
    /// </summary>
    /// <exception cref="ConfigException">An override is not <c>key=value</c>, or sets <c>seed</c>.</exception>
    public (ComparisonConfig Comparison, string[] VariantOverrides) WithOverrides(IEnumerable<string> overrides)
    {
        var comparison = this;
        var rest = new List<string>();
        foreach (var o in overrides)
        {
            int equals = o.IndexOf('=');
            if (equals <= 0) throw new ConfigException($"--set {o}: expected key=value.");
            var key = o[..equals].Trim();
            if (key == "output")
                comparison = comparison with { Output = o[(equals + 1)..].Trim() };
            else if (key == "seed")
                throw new ConfigException($"--set {o}: a comparison trains every seed in its \"seeds\" list ({string.Join(", ", Seeds)}); change that list instead.");
            else
                rest.Add(o);
        }
        return (comparison, rest.ToArray());
    }

    /// <summary>Where a variant's run for <paramref name="seed"/> goes.</summary>
    public string RunDirectory(ComparisonVariant variant, int seed) => Path.Combine(Output, variant.Name, $"seed-{seed}");

    /// <summary>Reads a comparison file; unknown keys and empty lists are errors naming the file.</summary>
    public static ComparisonConfig Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"comparison file {path} does not exist.");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false })!.AsObject();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new ConfigException($"{path}: not a JSON object ({e.Message}).");
        }
        var valid = new[] { "output", "seeds", "base", "variants" };
        foreach (var key in root.Select(p => p.Key))
            if (!valid.Contains(key)) throw new ConfigException($"{path}: unknown key '{key}'. Valid keys: {string.Join(", ", valid)}.");
        var output = (string?)root["output"] ?? throw new ConfigException($"{path}: \"output\" is required.");
        var seeds = root["seeds"]?.AsArray().Select(s => (int)s!).ToArray() ?? [0];
        var baseConfig = root["base"]?.AsObject().DeepClone().AsObject() ?? new JsonObject();
        var variants = root["variants"]?.AsArray().Select(v => new ComparisonVariant(
            (string?)v!["name"] ?? throw new ConfigException($"{path}: a variant has no \"name\"."),
            v["set"]?.AsArray().Select(s => (string)s!).ToArray() ?? [])).ToArray() ?? [];
        if (variants.Length == 0) throw new ConfigException($"{path}: \"variants\" is empty.");
        if (seeds.Length == 0) throw new ConfigException($"{path}: \"seeds\" is empty.");
        var comparison = new ComparisonConfig(output, seeds, baseConfig, variants);
        foreach (var v in variants) comparison.For(v, seeds[0]); // validate every variant before anything trains
        return comparison;
    }
}
