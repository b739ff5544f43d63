using RecallKit.Vision.Data.Masks;

namespace RecallKit.Vision.Data.Layouts;

/// <summary>
/// ADE20K as released for the scene-parsing challenge (ADEChallengeData2016): <c>images/{training,validation}/*.jpg</c>,
/// <c>annotations/{training,validation}/*.png</c> with 8-bit ids where 0 is "other" (ignored) and 1–150 are the classes
/// (reduce_zero_label, as mmsegmentation). Splits <c>train</c> and <c>val</c> name the <c>training</c> and <c>validation</c>
/// folders. A <c>dataset.json</c> in the root replaces the 150 classes (reduce_zero_label stays on).
/// </summary>
public sealed class Ade20kDataset : MaskedPairDataset
{
    /// <summary>Expected layout, for messages.</summary>
    public const string Layout = "  <root>/images/training/<name>.jpg   (and validation/)\n  <root>/annotations/training/<name>.png  (0 = other, 1–150 = classes)";

    /// <summary>The 150 classes of the scene-parsing benchmark (objectInfo150), index = class id = label value − 1.</summary>
    public static IReadOnlyList<string> Classes150 { get; } =
    [
        "wall", "building", "sky", "floor", "tree", "ceiling", "road", "bed", "windowpane", "grass", "cabinet", "sidewalk", "person",
        "earth", "door", "table", "mountain", "plant", "curtain", "chair", "car", "water", "painting", "sofa", "shelf", "house", "sea",
        "mirror", "rug", "field", "armchair", "seat", "fence", "desk", "rock", "wardrobe", "lamp", "bathtub", "railing", "cushion",
        "base", "box", "column", "signboard", "chest of drawers", "counter", "sand", "sink", "skyscraper", "fireplace", "refrigerator",
        "grandstand", "path", "stairs", "runway", "case", "pool table", "pillow", "screen door", "stairway", "river", "bridge",
        "bookcase", "blind", "coffee table", "toilet", "flower", "book", "hill", "bench", "countertop", "stove", "palm",
        "kitchen island", "computer", "swivel chair", "boat", "bar", "arcade machine", "hovel", "bus", "towel", "light", "truck",
        "tower", "chandelier", "awning", "streetlight", "booth", "television receiver", "airplane", "dirt track", "apparel", "pole",
        "land", "bannister", "escalator", "ottoman", "bottle", "buffet", "poster", "stage", "van", "ship", "fountain", "conveyer belt",
        "canopy", "washer", "plaything", "swimming pool", "stool", "barrel", "basket", "waterfall", "tent", "bag", "minibike", "cradle",
        "oven", "ball", "food", "step", "tank", "trade name", "microwave", "pot", "animal", "bicycle", "lake", "dishwasher", "screen",
        "blanket", "sculpture", "hood", "sconce", "vase", "traffic light", "tray", "ashcan", "fan", "pier", "crt screen", "plate",
        "monitor", "bulletin board", "shower", "radiator", "glass", "clock", "flag"
    ];

    /// <param name="root">ADEChallengeData2016 root.</param>
    /// <param name="split">train (training), val (validation), or a folder name under images/.</param>
    public Ade20kDataset(string root, string split) : base(FindPairs(root, split), Describe(root), root)
    {
    }

    /// <summary>The 150 classes (or those of the root's dataset.json), with reduce_zero_label.</summary>
    public static DatasetDescription Describe(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"dataset directory {root} does not exist. Expected layout:\n{Layout}");
        var own = Path.Combine(root, DatasetDescription.JsonFile);
        if (File.Exists(own))
        {
            var description = DatasetDescription.FromJson(own);
            return description with { Masks = description.Masks with { ReduceZeroLabel = true } };
        }
        var palette = VocDataset.VocPalette(Classes150.Count + 1).Skip(1).ToArray();
        return new DatasetDescription(new DatasetClasses(Classes150, palette, 255), new MaskOptions(ReduceZeroLabel: true), "ADE20K 150 classes");
    }

    private static List<(string, string)> FindPairs(string root, string split)
    {
        var folder = split switch { "train" => "training", "val" => "validation", _ => split };
        var imageDir = Path.Combine(root, "images", folder);
        var labelDir = Path.Combine(root, "annotations", folder);
        if (!Directory.Exists(imageDir) || !Directory.Exists(labelDir))
            throw new DirectoryNotFoundException($"{root}: split '{split}' not found ({folder}/ under images/ and annotations/). Expected layout:\n{Layout}");
        var pairs = new List<(string, string)>();
        foreach (var image in FilesEndingWith(imageDir, [".jpg", ".jpeg", ".png"]))
        {
            var relative = Path.GetRelativePath(imageDir, image);
            var label = Path.Combine(labelDir, Path.ChangeExtension(relative, ".png"));
            if (!File.Exists(label)) throw new FileNotFoundException($"label {label} for image {image} does not exist.", label);
            pairs.Add((image, label));
        }
        if (pairs.Count == 0) throw new InvalidDataException($"{imageDir} holds no .jpg or .png image (split '{split}' is empty).");
        return pairs;
    }
}
