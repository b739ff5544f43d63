namespace RecallKit.Vision.Data.Classification;

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
    public static ImageArray Load(string directory, bool train)
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
        return new ImageArray(images.Data, ids, 1, images.Shape[1], images.Shape[2], ClassNames);
    }

    /// <summary>The long-tailed training split: per class ⌊n_max·ρ^(−c/9)⌋ images, chosen with <paramref name="seed"/>.</summary>
    public static ImageArray LongTailed(ImageArray train, double imbalance_ratio = 100, int seed = 0) => train.LongTailed(imbalance_ratio, seed);
}
