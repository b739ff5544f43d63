using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Vision.Data;

/// <summary>What to do with SYNTHIA's class 0 (void).</summary>
public enum SynthiaVoid
{
    /// <summary>Void is ignored (255) and classes 1–15 become train ids 0–14 (default).</summary>
    Ignore,
    /// <summary>Void is trained as class 0, 16 classes (what the official recall-semseg code did).</summary>
    TrainAsClass,
}

/// <summary>
/// SYNTHIA SEQS (e.g. SEQS-05 Summer): <c>RGB/Stereo_Left/Omni_F/&lt;frame&gt;.png</c> with 16-bit labels
/// <c>GT/LABELS/Stereo_Left/Omni_F/&lt;frame&gt;.png</c> whose first channel is the class id (0 void … 15 traffic light).
/// Splits come from <c>&lt;root&gt;/&lt;split&gt;.txt</c> (one frame name per line); without it, the sorted frames are split
/// deterministically 70 % / 10 % / 20 % into train / val / test (the paper's 4400 / 624 / 1272 are ≈ 69.9 / 9.9 / 20.2 %:
/// write those lists to reproduce them exactly).
/// </summary>
public sealed class SynthiaDataset : PairedFileDataset
{
    /// <summary>Expected layout, for messages.</summary>
    public const string Layout = "  <root>/RGB/Stereo_Left/Omni_F/<frame>.png\n  <root>/GT/LABELS/Stereo_Left/Omni_F/<frame>.png (16-bit, class id in the first channel)\n  <root>/<split>.txt (optional frame list)";

    private static readonly string[] AllNames =
        ["void", "sky", "building", "road", "sidewalk", "fence", "vegetation", "pole", "car", "traffic sign", "pedestrian", "bicycle",
         "lanemarking", "reserved 13", "reserved 14", "traffic light"];

    private static readonly (byte, byte, byte)[] AllColours =
        [(0, 0, 0), (70, 130, 180), (70, 70, 70), (128, 64, 128), (244, 35, 232), (64, 64, 128), (107, 142, 35), (153, 153, 153),
         (0, 0, 142), (220, 220, 0), (220, 20, 60), (119, 11, 32), (0, 0, 230), (250, 170, 160), (128, 64, 64), (250, 170, 30)];

    private readonly SynthiaVoid voidMode;

    /// <param name="root">SYNTHIA sequence root (holding RGB/ and GT/).</param>
    /// <param name="split">train, val or test.</param>
    /// <param name="void_mode">Ignore void (default) or train it as a class.</param>
    public SynthiaDataset(string root, string split, SynthiaVoid void_mode = SynthiaVoid.Ignore)
        : base(FindPairs(root, split), Describe(void_mode), root)
    {
        voidMode = void_mode;
    }

    /// <summary>The classes for a void mode.</summary>
    public static DatasetClasses Describe(SynthiaVoid mode) => mode == SynthiaVoid.Ignore
        ? new DatasetClasses(AllNames[1..], AllColours[1..], 255)
        : new DatasetClasses(AllNames, AllColours, 255);

    /// <summary>
    /// Sizes of the default train / val / test split of <paramref name="frames"/> sorted frames: 10 % and 20 % rounded, at least
    /// one frame each when there are 3 or more, the rest for training.
    /// </summary>
    public static (int Train, int Val, int Test) DefaultSplitSizes(int frames)
    {
        if (frames < 3) return (frames, 0, 0);
        int val = Math.Max(1, (int)Math.Round(frames * 0.1)), test = Math.Max(1, (int)Math.Round(frames * 0.2));
        return (frames - val - test, val, test);
    }

    private static List<(string, string)> FindPairs(string root, string split)
    {
        var rgb = Path.Combine(root, "RGB", "Stereo_Left", "Omni_F");
        var gt = Path.Combine(root, "GT", "LABELS", "Stereo_Left", "Omni_F");
        if (!Directory.Exists(rgb) || !Directory.Exists(gt)) throw new DirectoryNotFoundException($"{root} is not a SYNTHIA sequence. Expected:\n{Layout}");
        var frames = Directory.GetFiles(rgb, "*.png").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToArray();
        var list = Path.Combine(root, split + ".txt");
        string[] chosen;
        if (File.Exists(list))
        {
            chosen = File.ReadAllLines(list).Select(l => l.Trim()).Where(l => l.Length > 0).Select(l => Path.GetFileNameWithoutExtension(l)).ToArray();
        }
        else
        {
            var (train, val, _) = DefaultSplitSizes(frames.Length);
            chosen = split switch
            {
                "train" => frames[..train],
                "val" => frames[train..(train + val)],
                "test" => frames[(train + val)..],
                _ => throw new ArgumentException($"split '{split}' needs a frame list {list} (the default split knows train, val, test)."),
            };
        }
        if (chosen.Length == 0)
            throw new InvalidDataException(File.Exists(list)
                ? $"split '{split}' of {root} is empty ({list} names no frame)."
                : $"split '{split}' of {root} is empty: the default 70/10/20 split needs at least 3 frames, {rgb} has {frames.Length}.");
        return chosen.Select(f =>
        {
            var image = Path.Combine(rgb, f + ".png");
            var label = Path.Combine(gt, f + ".png");
            if (!File.Exists(image)) throw new FileNotFoundException($"frame '{f}' listed for split '{split}' has no image {image}.", image);
            if (!File.Exists(label)) throw new FileNotFoundException($"no label for {image}: expected {label}.", label);
            return (image, label);
        }).ToList();
    }

    /// <inheritdoc />
    protected override (int[] labels, int width, int height) DecodeLabels(string path)
    {
        using var label = ImageFiles.Load<Rgba64>(path);
        var pixels = new Rgba64[label.Width * label.Height];
        label.CopyPixelDataTo(pixels);
        var ids = new int[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            int id = pixels[i].R;
            if (id > 15) throw new InvalidDataException($"label {path} has class id {id} at pixel ({i % label.Width},{i / label.Width}); SYNTHIA ids are 0–15.");
            ids[i] = voidMode == SynthiaVoid.TrainAsClass ? id : id == 0 ? 255 : id - 1;
        }
        return (ids, label.Width, label.Height);
    }
}
