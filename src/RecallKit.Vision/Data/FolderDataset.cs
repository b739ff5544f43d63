using System.Text.Json;
using System.Text.Json.Nodes;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Vision.Data;

/// <summary>
/// The generic layout for users' own data (and the synthetic scenes):
/// <c>root/dataset.json</c> (<c>{"classes": [{"name": "road", "color": [128,64,128]}, …], "ignore_index": 255}</c>),
/// <c>root/images/&lt;split&gt;/*.png|jpg</c> and <c>root/labels/&lt;split&gt;/&lt;same name&gt;.png</c> (8-bit train ids).
/// </summary>
public sealed class FolderDataset : PairedFileDataset
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];

    /// <param name="root">Dataset root.</param>
    /// <param name="split">Split name (a subdirectory of images/ and labels/).</param>
    public FolderDataset(string root, string split) : base(FindPairs(root, split), ReadDescription(root), root)
    {
        Split = split;
    }

    /// <summary>The expected directory tree, for messages.</summary>
    public const string Layout = "  <root>/dataset.json\n  <root>/images/<split>/<name>.png|jpg\n  <root>/labels/<split>/<name>.png  (8-bit train ids)";

    /// <summary>Split name.</summary>
    public string Split { get; }

    private static List<(string, string)> FindPairs(string root, string split)
    {
        ReadDescription(root);
        var imageDir = Path.Combine(root, "images", split);
        var labelDir = Path.Combine(root, "labels", split);
        if (!Directory.Exists(imageDir) || !Directory.Exists(labelDir))
            throw new DirectoryNotFoundException($"{root}: split '{split}' not found. Expected layout:\n{Layout}");
        var images = Directory.GetFiles(imageDir).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToArray();
        if (images.Length == 0) throw new InvalidDataException($"{imageDir} holds no .png or .jpg image (split '{split}' is empty).");
        var pairs = new List<(string, string)>();
        foreach (var image in images)
        {
            var label = Path.Combine(labelDir, Path.GetFileNameWithoutExtension(image) + ".png");
            if (!File.Exists(label)) throw new FileNotFoundException($"label {label} for image {image} does not exist.", label);
            pairs.Add((image, label));
        }
        return pairs;
    }

    /// <inheritdoc />
    protected override (int[] labels, int width, int height) DecodeLabels(string path)
    {
        var (raw, width, height) = LabelFiles.ReadEightBit(path);
        var ids = new int[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            int v = raw[i];
            if (v >= Classes.Count && v != Classes.IgnoreIndex)
                throw new InvalidDataException(
                    $"label {path} has value {v} at pixel ({i % width},{i / width}); expected 0–{Classes.Count - 1} or the ignore id {Classes.IgnoreIndex}.");
            ids[i] = v;
        }
        return (ids, width, height);
    }

    /// <summary>Reads <c>root/dataset.json</c>.</summary>
    public static DatasetClasses ReadDescription(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"dataset directory {root} does not exist. Expected layout:\n{Layout}");
        var path = Path.Combine(root, "dataset.json");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing. Expected layout:\n{Layout}", path);
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            var classes = json["classes"]?.AsArray() ?? throw new InvalidDataException($"{path}: missing \"classes\" array.");
            var names = new List<string>();
            var palette = new List<(byte, byte, byte)>();
            foreach (var c in classes)
            {
                names.Add((string?)c?["name"] ?? throw new InvalidDataException($"{path}: class {names.Count} has no \"name\"."));
                var colour = c!["color"]?.AsArray().Select(v => (byte)(int)v!).ToArray() ?? [(byte)(37 * names.Count), (byte)(91 * names.Count), (byte)(53 * names.Count)];
                if (colour.Length != 3) throw new InvalidDataException($"{path}: class '{names[^1]}' color must be [r,g,b].");
                palette.Add((colour[0], colour[1], colour[2]));
            }
            if (names.Count is 0 or > 255) throw new InvalidDataException($"{path}: needs 1–255 classes, has {names.Count}.");
            int ignore = (int?)json["ignore_index"] ?? 255;
            return new DatasetClasses(names, palette, ignore);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Writes <c>root/dataset.json</c>.</summary>
    public static void WriteDescription(string root, DatasetClasses classes)
    {
        Directory.CreateDirectory(root);
        var json = new JsonObject
        {
            ["classes"] = new JsonArray(classes.Names.Select((n, i) => (JsonNode)new JsonObject
            {
                ["name"] = n,
                ["color"] = new JsonArray(classes.Palette[i].R, classes.Palette[i].G, classes.Palette[i].B),
            }).ToArray()),
            ["ignore_index"] = classes.IgnoreIndex,
        };
        File.WriteAllText(Path.Combine(root, "dataset.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
