using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// A split whose images are files on disk (JPEG, PNG, …), decoded on demand so memory does not grow with the dataset:
/// Places-LT and ImageNet-LT lists, iNaturalist JSON, image folders. Each image is resized so its shorter side is
/// <see cref="ResizeShorter"/> pixels (0 keeps the size), as torchvision's <c>Resize(256)</c>.
/// </summary>
public sealed class ImageFileDataset : IClassificationDataset
{
    private readonly string[] paths;
    private readonly int[] labels;

    /// <param name="paths">Absolute image paths.</param>
    /// <param name="labels">Class id of each image.</param>
    /// <param name="class_names">Class names, index = id.</param>
    /// <param name="resize_shorter">Target length of the shorter side; 0 = no resize.</param>
    public ImageFileDataset(IReadOnlyList<string> paths, IReadOnlyList<int> labels, IReadOnlyList<string> class_names, int resize_shorter)
    {
        if (paths.Count != labels.Count) throw new ArgumentException($"{paths.Count} paths but {labels.Count} labels.");
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] < 0 || labels[i] >= class_names.Count)
                throw new InvalidDataException($"{paths[i]}: label {labels[i]} is outside [0, {class_names.Count}).");
        this.paths = paths.ToArray();
        this.labels = labels.ToArray();
        ClassNames = class_names;
        ResizeShorter = resize_shorter;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> Labels => labels;

    /// <summary>Shorter side after resizing (0 = original size).</summary>
    public int ResizeShorter { get; }

    /// <inheritdoc />
    public string Describe(int index) => paths[index];

    /// <inheritdoc />
    public RawImage Load(int index) => Decode(paths[index], ResizeShorter);

    /// <summary>Decodes <paramref name="path"/> as RGB, resized so its shorter side is <paramref name="resize_shorter"/> (0 keeps the size).</summary>
    public static RawImage Decode(string path, int resize_shorter)
    {
        using var image = ImageFiles.LoadRgb(path);
        if (resize_shorter > 0)
        {
            double scale = (double)resize_shorter / Math.Min(image.Width, image.Height);
            int w = Math.Max(1, (int)Math.Round(image.Width * scale)), h = Math.Max(1, (int)Math.Round(image.Height * scale));
            if (w != image.Width || h != image.Height) image.Mutate(x => x.Resize(w, h, KnownResamplers.Triangle));
        }
        var pixels = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(pixels);
        return new RawImage(pixels, 3, image.Height, image.Width);
    }
}
