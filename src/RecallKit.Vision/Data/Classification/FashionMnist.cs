namespace RecallKit.Vision.Data.Classification;

/// <summary>Grayscale images and labels of a classification split in managed memory.</summary>
/// <param name="Pixels">Row-major 8-bit pixels, <c>Count·Height·Width</c>.</param>
/// <param name="Labels">Class id per image.</param>
/// <param name="Height">Image height.</param>
/// <param name="Width">Image width.</param>
/// <param name="ClassNames">Class names, index = id.</param>
public sealed record GrayscaleImages(byte[] Pixels, int[] Labels, int Height, int Width, IReadOnlyList<string> ClassNames)
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public GrayscaleImages Subset(IReadOnlyList<int> indices)
    {
        int size = Height * Width;
        var pixels = new byte[indices.Count * size];
        for (int i = 0; i < indices.Count; i++) Array.Copy(Pixels, (long)indices[i] * size, pixels, (long)i * size, size);
        return new GrayscaleImages(pixels, indices.Select(i => Labels[i]).ToArray(), Height, Width, ClassNames);
    }
}

/// <summary>
/// Fashion-MNIST from its IDX files (the Debian package <c>dataset-fashion-mnist</c> installs them in
/// <see cref="DefaultDirectory"/>), and its long-tailed version: the training split subsampled with the exponential profile
/// (<see cref="LongTailProfile"/>, ρ = 100 by default), the test split left balanced.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> puts the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten classes.</summary>
    public static readonly string[] ClassNames = ["T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    /// <summary>Reads <c>train-*</c> or <c>t10k-*</c> (<c>.gz</c> or plain) from <paramref name="directory"/>.</summary>
    public static GrayscaleImages Load(string directory, bool train)
    {
        var prefix = train ? "train" : "t10k";
        string Find(string kind)
        {
            foreach (var name in new[] { $"{prefix}-{kind}-ubyte.gz", $"{prefix}-{kind}-ubyte" })
            {
                var path = Path.Combine(directory, name);
                if (File.Exists(path)) return path;
            }
            throw new FileNotFoundException(
                $"{directory} has no {prefix}-{kind}-ubyte(.gz). Install Debian's dataset-fashion-mnist (files in {DefaultDirectory}) or pass the directory holding the IDX files.");
        }
        var images = IdxFile.Read(Find("images-idx3"));
        var labels = IdxFile.Read(Find("labels-idx1"));
        if (images.Shape.Length != 3 || labels.Shape.Length != 1 || images.Shape[0] != labels.Shape[0])
            throw new InvalidDataException($"{directory}: images [{string.Join(",", images.Shape)}] and labels [{string.Join(",", labels.Shape)}] do not pair up.");
        var ids = labels.Data.Select(b => (int)b).ToArray();
        var bad = ids.FirstOrDefault(id => id >= ClassNames.Length, -1);
        if (bad >= 0) throw new InvalidDataException($"{directory}: label {bad} is outside the 10 Fashion-MNIST classes.");
        return new GrayscaleImages(images.Data, ids, images.Shape[1], images.Shape[2], ClassNames);
    }

    /// <summary>The long-tailed training split: per class ⌊n_max·ρ^(−c/9)⌋ images, chosen with <paramref name="seed"/>.</summary>
    public static GrayscaleImages LongTailed(GrayscaleImages train, double imbalance_ratio = 100, int seed = 0)
    {
        int max = Enumerable.Range(0, train.ClassNames.Count).Min(c => train.Labels.Count(l => l == c));
        var counts = LongTailProfile.Counts(train.ClassNames.Count, max, imbalance_ratio);
        return train.Subset(LongTailProfile.Select(train.Labels, counts, seed));
    }
}
