using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Vision.Data;

/// <summary>
/// Cityscapes: <c>leftImg8bit/&lt;split&gt;/&lt;city&gt;/*_leftImg8bit.png</c> with <c>gtFine/&lt;split&gt;/&lt;city&gt;/*_gtFine_labelIds.png</c>;
/// the 34 label ids map to the 19 train ids of cityscapesScripts (everything else → 255). A <c>*_gtFine_labelTrainIds.png</c>
/// next to the label ids is used as is when present.
/// </summary>
public sealed class CityscapesDataset : PairedFileDataset
{
    /// <summary>Expected layout, for messages.</summary>
    public const string Layout = "  <root>/leftImg8bit/<split>/<city>/<frame>_leftImg8bit.png\n  <root>/gtFine/<split>/<city>/<frame>_gtFine_labelIds.png (or _gtFine_labelTrainIds.png)";

    /// <summary>The 19 classes and the official colours.</summary>
    public static DatasetClasses ClassDescription { get; } = new(
        ["road", "sidewalk", "building", "wall", "fence", "pole", "traffic light", "traffic sign", "vegetation", "terrain", "sky",
         "person", "rider", "car", "truck", "bus", "train", "motorcycle", "bicycle"],
        [(128, 64, 128), (244, 35, 232), (70, 70, 70), (102, 102, 156), (190, 153, 153), (153, 153, 153), (250, 170, 30), (220, 220, 0),
         (107, 142, 35), (152, 251, 152), (70, 130, 180), (220, 20, 60), (255, 0, 0), (0, 0, 142), (0, 0, 70), (0, 60, 100), (0, 80, 100),
         (0, 0, 230), (119, 11, 32)], 255);

    /// <summary>label id → train id (255 = ignored), from cityscapesScripts' labels.py.</summary>
    public static IReadOnlyList<int> LabelIdToTrainId { get; } = BuildMap();

    private static int[] BuildMap()
    {
        var map = Enumerable.Repeat(255, 256).ToArray();
        (int id, int train)[] pairs = [(7, 0), (8, 1), (11, 2), (12, 3), (13, 4), (17, 5), (19, 6), (20, 7), (21, 8), (22, 9), (23, 10),
            (24, 11), (25, 12), (26, 13), (27, 14), (28, 15), (31, 16), (32, 17), (33, 18)];
        foreach (var (id, train) in pairs) map[id] = train;
        return map;
    }

    /// <param name="root">Cityscapes root (holding leftImg8bit/ and gtFine/).</param>
    /// <param name="split">train, val or test.</param>
    public CityscapesDataset(string root, string split) : base(FindPairs(root, split), ClassDescription, root)
    {
    }

    private static List<(string, string)> FindPairs(string root, string split)
    {
        var images = Path.Combine(root, "leftImg8bit", split);
        if (!Directory.Exists(images)) throw new DirectoryNotFoundException($"{images} does not exist. Expected the Cityscapes layout:\n{Layout}");
        var pairs = new List<(string, string)>();
        foreach (var image in Directory.GetFiles(images, "*_leftImg8bit.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var city = Path.GetFileName(Path.GetDirectoryName(image)!);
            var frame = Path.GetFileName(image)[..^"_leftImg8bit.png".Length];
            var labelDir = Path.Combine(root, "gtFine", split, city);
            var trainIds = Path.Combine(labelDir, frame + "_gtFine_labelTrainIds.png");
            var labelIds = Path.Combine(labelDir, frame + "_gtFine_labelIds.png");
            var label = File.Exists(trainIds) ? trainIds : File.Exists(labelIds) ? labelIds
                : throw new FileNotFoundException($"no label for {image}: expected {labelIds}", labelIds);
            pairs.Add((image, label));
        }
        if (pairs.Count == 0) throw new InvalidDataException($"{images} holds no *_leftImg8bit.png (split '{split}' is empty).");
        return pairs;
    }

    /// <inheritdoc />
    protected override (int[] labels, int width, int height) DecodeLabels(string path)
    {
        var (raw, width, height) = LabelFiles.ReadEightBit(path);
        bool trainIds = path.EndsWith("_labelTrainIds.png", StringComparison.Ordinal);
        var ids = new int[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            int v = raw[i];
            ids[i] = trainIds ? (v < 19 ? v : 255) : LabelIdToTrainId[v];
        }
        return (ids, width, height);
    }
}
