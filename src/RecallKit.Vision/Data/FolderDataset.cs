using System.Text.Json;
using System.Text.Json.Nodes;
using RecallKit.Vision.Data.Masks;

namespace RecallKit.Vision.Data;

/// <summary>
/// The generic layout for users' own data (and the synthetic scenes): <c>root/dataset.json</c> (or a CamVid-style
/// <c>class_dict.csv</c>; see <see cref="DatasetDescription"/>), <c>root/images/&lt;split&gt;/*.png|jpg</c> and
/// <c>root/labels/&lt;split&gt;/&lt;same name&gt;.png</c>: 8- or 16-bit greyscale ids, palette indices, or RGB class colours.
/// Directories and suffixes can be changed as in mmsegmentation's custom dataset (<see cref="FolderLayout"/>).
/// </summary>
public sealed class FolderDataset : MaskedPairDataset
{
    /// <param name="root">Dataset root.</param>
    /// <param name="split">Split name (a subdirectory of images/ and labels/), or a <c>.txt</c> list of images.</param>
    /// <param name="layout">Directories and suffixes (default: images/, labels/, any image suffix, .png labels).</param>
    public FolderDataset(string root, string split, FolderLayout? layout = null)
        : this(root, split, layout ?? FolderLayout.Default, DatasetDescription.Read(root, Layout))
    {
    }

    private FolderDataset(string root, string split, FolderLayout layout, DatasetDescription description)
        : base(FindPairs(root, split, layout), description, root)
    {
        Split = split;
    }

    /// <summary>The expected directory tree, for messages.</summary>
    public const string Layout = "  <root>/dataset.json (or class_dict.csv)\n  <root>/images/<split>/<name>.png|jpg\n  <root>/labels/<split>/<name>.png  (greyscale ids, palette indices or RGB class colours)";

    /// <summary>Split name.</summary>
    public string Split { get; }

    private static List<(string, string)> FindPairs(string root, string split, FolderLayout layout)
    {
        bool listed = split.EndsWith(".txt", StringComparison.OrdinalIgnoreCase);
        var imageDir = listed ? Path.Combine(root, layout.ImageDir) : Path.Combine(root, layout.ImageDir, split);
        var labelDir = listed ? Path.Combine(root, layout.LabelDir) : Path.Combine(root, layout.LabelDir, split);
        if (!Directory.Exists(imageDir) || !Directory.Exists(labelDir))
            throw new DirectoryNotFoundException(
                $"{root}: split '{split}' not found ({(Directory.Exists(imageDir) ? labelDir : imageDir)} does not exist). Expected layout:\n" +
                (layout == FolderLayout.Default ? Layout : $"  <root>/dataset.json\n  <root>/{layout.ImageDir}/<split>/<name>{string.Join("|", layout.ImageSuffixes)}\n  <root>/{layout.LabelDir}/<split>/<name>{layout.LabelSuffix}"));
        var images = listed ? Listed(Path.IsPathRooted(split) ? split : Path.Combine(root, split), imageDir, layout) : FilesEndingWith(imageDir, layout.ImageSuffixes);
        if (images.Length == 0) throw new InvalidDataException($"{imageDir} holds no image ending in {string.Join(", ", layout.ImageSuffixes)} (split '{split}' is empty).");
        var pairs = new List<(string, string)>();
        foreach (var image in images)
        {
            var relative = Path.GetRelativePath(imageDir, image);
            var suffix = layout.ImageSuffixes.First(s => relative.EndsWith(s, StringComparison.OrdinalIgnoreCase));
            var label = Path.Combine(labelDir, relative[..^suffix.Length] + layout.LabelSuffix);
            if (Path.GetFullPath(label) == Path.GetFullPath(image)) continue; // img_dir = ann_dir: a label file is not an image of its own
            if (!File.Exists(label)) throw new FileNotFoundException($"label {label} for image {image} does not exist.", label);
            pairs.Add((image, label));
        }
        return pairs;
    }

    private static string[] Listed(string list, string imageDir, FolderLayout layout) =>
        ReadList(list).Select(stem =>
            layout.ImageSuffixes.Select(s => Path.Combine(imageDir, stem + s)).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{list}: image '{stem}' not found in {imageDir} (looked for {string.Join(", ", layout.ImageSuffixes.Select(s => stem + s))}).",
                Path.Combine(imageDir, stem + layout.ImageSuffixes[0]))).ToArray();

    /// <summary>Reads the classes of <c>root/dataset.json</c> (or <c>class_dict.csv</c>).</summary>
    public static DatasetClasses ReadDescription(string root) => DatasetDescription.Read(root, Layout).Classes;
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
