using RecallKit.Vision.Data.Masks;

namespace RecallKit.Vision.Data.Layouts;

/// <summary>
/// Pascal VOC 2012 segmentation (and its SBD-augmented variant, and the VOC exports of CVAT and Datumaro):
/// <c>JPEGImages/&lt;id&gt;.jpg</c>, <c>SegmentationClass/&lt;id&gt;.png</c> (or <c>SegmentationClassAug/</c>), split lists
/// <c>ImageSets/Segmentation/&lt;split&gt;.txt</c> (an id per line, or SBD's "image label" path pairs). Classes come from
/// <c>labelmap.txt</c> when present (<c>name:r,g,b::</c> per line, <c>#</c> comments), otherwise VOC's background + 20 classes.
/// Label index 255 (VOC's object boundaries, colour 224,224,192) is ignored.
/// </summary>
public sealed class VocDataset : MaskedPairDataset
{
    /// <summary>Expected layout, for messages.</summary>
    public const string Layout =
        "  <root>/JPEGImages/<id>.jpg\n  <root>/SegmentationClass/<id>.png  (or SegmentationClassAug/)\n  <root>/ImageSets/Segmentation/<split>.txt\n  <root>/labelmap.txt  (optional)";

    /// <summary>VOC's 21 classes, index = class id.</summary>
    public static IReadOnlyList<string> VocClasses { get; } =
        ["background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow", "diningtable", "dog",
         "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor"];

    /// <param name="root">VOC root (holding JPEGImages/).</param>
    /// <param name="split">A list name under ImageSets/Segmentation (train, val, trainval, train_aug …) or a .txt path.</param>
    public VocDataset(string root, string split) : base(FindPairs(root, split), Describe(root), root)
    {
    }

    /// <summary>The classes of the VOC tree at <paramref name="root"/>: its labelmap.txt, or VOC's own.</summary>
    public static DatasetDescription Describe(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"dataset directory {root} does not exist. Expected layout:\n{Layout}");
        var labelmap = Path.Combine(root, "labelmap.txt");
        var boundary = ((byte)224, (byte)224, (byte)192);
        if (!File.Exists(labelmap))
            return new DatasetDescription(new DatasetClasses(VocClasses, [.. VocPalette(VocClasses.Count)], 255), new MaskOptions(false, boundary), "Pascal VOC classes");
        var names = new List<string>();
        var colours = new List<(byte, byte, byte)>();
        var lines = File.ReadAllLines(labelmap);
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split(':');
            var rgb = fields.Length > 1 ? fields[1].Split(',') : [];
            if (fields[0].Length == 0 || rgb.Length != 3 || !byte.TryParse(rgb[0], out var r) || !byte.TryParse(rgb[1], out var g) || !byte.TryParse(rgb[2], out var b))
                throw new InvalidDataException($"{labelmap}:{i + 1}: expected \"name:r,g,b::\" with r, g, b in 0–255, got \"{line}\".");
            names.Add(fields[0]);
            colours.Add((r, g, b));
        }
        if (names.Count is 0 or > 255) throw new InvalidDataException($"{labelmap}: needs 1–255 classes, has {names.Count}.");
        return new DatasetDescription(new DatasetClasses(names, colours, 255), new MaskOptions(false, boundary), labelmap);
    }

    /// <summary>VOC's colour map: bits of the class id spread over R, G, B from the most significant bit down.</summary>
    public static IEnumerable<(byte R, byte G, byte B)> VocPalette(int count)
    {
        for (int id = 0; id < count; id++)
        {
            int r = 0, g = 0, b = 0, c = id;
            for (int bit = 7; bit >= 0; bit--, c >>= 3)
            {
                r |= (c & 1) << bit;
                g |= ((c >> 1) & 1) << bit;
                b |= ((c >> 2) & 1) << bit;
            }
            yield return ((byte)r, (byte)g, (byte)b);
        }
    }

    private static List<(string, string)> FindPairs(string root, string split)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"dataset directory {root} does not exist. Expected layout:\n{Layout}");
        var list = split.EndsWith(".txt", StringComparison.OrdinalIgnoreCase)
            ? (Path.IsPathRooted(split) ? split : Path.Combine(root, split))
            : Path.Combine(root, "ImageSets", "Segmentation", split + ".txt");
        if (!File.Exists(list)) throw new FileNotFoundException($"{root}: split '{split}' has no list {list}. Expected layout:\n{Layout}", list);
        var pairs = new List<(string, string)>();
        foreach (var (line, number) in File.ReadAllLines(list).Select((l, i) => (l.Trim(), i + 1)).Where(l => l.Item1.Length > 0 && !l.Item1.StartsWith('#')))
        {
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            string image, label;
            if (fields.Length == 2) // SBD-augmented lists: "/JPEGImages/x.jpg /SegmentationClassAug/x.png"
                (image, label) = (Path.Combine(root, fields[0].TrimStart('/')), Path.Combine(root, fields[1].TrimStart('/')));
            else if (fields.Length == 1)
            {
                image = new[] { ".jpg", ".jpeg", ".png" }.Select(e => Path.Combine(root, "JPEGImages", fields[0] + e)).FirstOrDefault(File.Exists)
                        ?? Path.Combine(root, "JPEGImages", fields[0] + ".jpg");
                label = new[] { "SegmentationClass", "SegmentationClassAug" }.Select(d => Path.Combine(root, d, fields[0] + ".png")).FirstOrDefault(File.Exists)
                        ?? Path.Combine(root, "SegmentationClass", fields[0] + ".png");
            }
            else throw new InvalidDataException($"{list}:{number}: expected an image id (or \"image label\" paths), got \"{line}\".");
            if (!File.Exists(image)) throw new FileNotFoundException($"{list}:{number}: image {image} does not exist.", image);
            if (!File.Exists(label)) throw new FileNotFoundException($"{list}:{number}: label {label} for image {image} does not exist.", label);
            pairs.Add((image, label));
        }
        if (pairs.Count == 0) throw new InvalidDataException($"split list {list} names no image.");
        return pairs;
    }
}
