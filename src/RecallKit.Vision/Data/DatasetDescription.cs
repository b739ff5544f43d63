using System.Text.Json;
using System.Text.Json.Nodes;
using RecallKit.Vision.Data.Masks;

namespace RecallKit.Vision.Data;

/// <summary>
/// A dataset's classes and how its labels encode them, read from <c>dataset.json</c>
/// (<c>{"classes": [{"name": "road", "color": [128,64,128]}, …], "ignore_index": 255, "ignore_color": [0,0,0], "reduce_zero_label": false}</c>)
/// or, without one, from a CamVid-style <c>class_dict.csv</c> (<c>name,r,g,b</c> per line; a class named <c>void</c> is the ignore colour).
/// </summary>
/// <param name="Classes">Names, colours, ignore id.</param>
/// <param name="Masks">Zero-label reduction, ignore colour, whether the colours are the dataset's own.</param>
/// <param name="Source">The file it was read from.</param>
public sealed record DatasetDescription(DatasetClasses Classes, MaskOptions Masks, string Source)
{
    /// <summary>The description file names, in the order they are looked for.</summary>
    public const string JsonFile = "dataset.json", CsvFile = "class_dict.csv";

    /// <summary>Reads the description in <paramref name="root"/>; <paramref name="layout"/> is shown when none is there.</summary>
    /// <exception cref="DirectoryNotFoundException">The root does not exist.</exception>
    /// <exception cref="FileNotFoundException">Neither file exists.</exception>
    /// <exception cref="InvalidDataException">A malformed description.</exception>
    public static DatasetDescription Read(string root, string layout)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"dataset directory {root} does not exist. Expected layout:\n{layout}");
        var json = Path.Combine(root, JsonFile);
        if (File.Exists(json)) return FromJson(json);
        var csv = Path.Combine(root, CsvFile);
        if (File.Exists(csv)) return FromClassDict(csv);
        throw new FileNotFoundException($"{json} is missing (nor is there a {CsvFile}). Expected layout:\n{layout}", json);
    }

    /// <summary>Reads a <c>dataset.json</c>.</summary>
    public static DatasetDescription FromJson(string path)
    {
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip })!.AsObject();
            var valid = new[] { "classes", "ignore_index", "ignore_color", "reduce_zero_label" };
            foreach (var key in json.Select(p => p.Key))
                if (!valid.Contains(key)) throw new InvalidDataException($"{path}: unknown key '{key}'. Valid keys: {string.Join(", ", valid)}.");
            var classes = json["classes"]?.AsArray() ?? throw new InvalidDataException($"{path}: missing \"classes\" array.");
            var names = new List<string>();
            var palette = new List<(byte, byte, byte)>();
            bool allColours = true;
            foreach (var c in classes)
            {
                names.Add((string?)c?["name"] ?? throw new InvalidDataException($"{path}: class {names.Count} has no \"name\"."));
                if (c!["color"] is { } colour) palette.Add(Colour(colour, path, $"class '{names[^1]}' color"));
                else
                {
                    allColours = false;
                    palette.Add(((byte)(37 * names.Count), (byte)(91 * names.Count), (byte)(53 * names.Count)));
                }
            }
            int ignore = (int?)json["ignore_index"] ?? 255;
            var ignoreColour = json["ignore_color"] is { } node ? Colour(node, path, "ignore_color") : ((byte, byte, byte)?)null;
            bool reduce = (bool?)json["reduce_zero_label"] ?? false;
            return Checked(new DatasetClasses(names, palette, ignore), new MaskOptions(reduce, ignoreColour, allColours), path);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads a CamVid-style <c>class_dict.csv</c>: a header, then <c>name,r,g,b</c> per class; <c>void</c> is ignored.</summary>
    public static DatasetDescription FromClassDict(string path)
    {
        var names = new List<string>();
        var palette = new List<(byte, byte, byte)>();
        (byte, byte, byte)? ignoreColour = null;
        int voidRow = -1;
        var lines = File.ReadAllLines(path);
        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var fields = lines[i].Split(',').Select(f => f.Trim()).ToArray();
            if (fields.Length != 4 || !byte.TryParse(fields[1], out var r) || !byte.TryParse(fields[2], out var g) || !byte.TryParse(fields[3], out var b))
                throw new InvalidDataException($"{path}:{i + 1}: expected \"name,r,g,b\" with r, g, b in 0–255, got \"{lines[i]}\".");
            if (fields[0].Equals("void", StringComparison.OrdinalIgnoreCase))
            {
                ignoreColour = (r, g, b);
                voidRow = names.Count;
            }
            else
            {
                names.Add(fields[0]);
                palette.Add((r, g, b));
            }
        }
        // Leaving void out renumbers the classes after it: right for colour-coded labels, wrong for labels holding ids.
        var idProblem = voidRow >= 0 && voidRow < names.Count
            ? $"{path} lists void before other classes ({names[voidRow]} …), so their ids in it are one less than in labels that count void; use RGB labels, or a dataset.json"
            : null;
        return Checked(new DatasetClasses(names, palette, 255), new MaskOptions(false, ignoreColour, true, idProblem), path);
    }

    private static DatasetDescription Checked(DatasetClasses classes, MaskOptions masks, string path)
    {
        if (classes.Count is 0 or > 65535) throw new InvalidDataException($"{path}: needs 1–65535 classes, has {classes.Count}.");
        if (classes.IgnoreIndex >= 0 && classes.IgnoreIndex < classes.Count)
            throw new InvalidDataException($"{path}: ignore_index {classes.IgnoreIndex} is the id of class '{classes.Names[classes.IgnoreIndex]}'; with {classes.Count} classes it must be ≥ {classes.Count} (or negative).");
        return new DatasetDescription(classes, masks, path);
    }

    private static (byte, byte, byte) Colour(JsonNode node, string path, string what)
    {
        var values = node.AsArray().Select(v => (int)v!).ToArray();
        if (values.Length != 3 || values.Any(v => v is < 0 or > 255)) throw new InvalidDataException($"{path}: {what} must be [r, g, b] with values in 0–255.");
        return ((byte)values[0], (byte)values[1], (byte)values[2]);
    }
}
