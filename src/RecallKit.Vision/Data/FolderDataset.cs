using System.Text.Json;
using System.Text.Json.Nodes;
using RecallKit.Vision.Data.Masks;

namespace RecallKit.Vision.Data;

/// <summary>
/// The generic layout for users' own data (and the synthetic scenes): <c>root/dataset.json</c> (or a CamVid-style
/// <c>class_dict.csv</c>; see <see cref="DatasetDescription"/>), <c>root/images/&lt;split&gt;/*.png|jpg</c> and
/// <c>root/labels/&lt;split&gt;/&lt;same name&gt;.png</c>: 8- or 16-bit greyscale ids, palette indices, or RGB class colours.
/// </summary>
public sealed class FolderDataset : PairedFileDataset
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];
    private readonly MaskDecoder decoder;

    /// <param name="root">Dataset root.</param>
    /// <param name="split">Split name (a subdirectory of images/ and labels/).</param>
    public FolderDataset(string root, string split) : this(root, split, DatasetDescription.Read(root, Layout))
    {
    }

    private FolderDataset(string root, string split, DatasetDescription description) : base(FindPairs(root, split), description.Classes, root)
    {
        Split = split;
        Description = description;
        decoder = new MaskDecoder(description.Classes, description.Masks);
    }

    /// <summary>The expected directory tree, for messages.</summary>
    public const string Layout = "  <root>/dataset.json (or class_dict.csv)\n  <root>/images/<split>/<name>.png|jpg\n  <root>/labels/<split>/<name>.png  (greyscale ids, palette indices or RGB class colours)";

    /// <summary>Split name.</summary>
    public string Split { get; }

    /// <summary>Classes and label encoding.</summary>
    public DatasetDescription Description { get; }

    private static List<(string, string)> FindPairs(string root, string split)
    {
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
    protected override string LabelSettings => File.Exists(Description.Source) ? File.ReadAllText(Description.Source) : "";

    /// <inheritdoc />
    protected override (int[] labels, int width, int height) DecodeLabels(string path)
    {
        var mask = MaskFiles.Read(path);
        return (decoder.Decode(mask, path), mask.Width, mask.Height);
    }

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
