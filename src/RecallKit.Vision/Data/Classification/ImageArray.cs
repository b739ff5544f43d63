namespace RecallKit.Vision.Data.Classification;

/// <summary>A labelled image set held in memory (Fashion-MNIST, CIFAR): 8-bit pixels, height × width × channels per image.</summary>
/// <param name="Pixels">Interleaved (HWC) 8-bit pixels, <c>Count·Height·Width·Channels</c>.</param>
/// <param name="Labels">Class id per image.</param>
/// <param name="Channels">1 (grayscale) or 3 (RGB).</param>
/// <param name="Height">Image height.</param>
/// <param name="Width">Image width.</param>
/// <param name="ClassNames">Class names, index = id.</param>
public sealed record ImageArray(byte[] Pixels, int[] Labels, int Channels, int Height, int Width, IReadOnlyList<string> ClassNames)
{
    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Bytes per image.</summary>
    public int ImageSize => Height * Width * Channels;

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public ImageArray Subset(IReadOnlyList<int> indices)
    {
        int size = ImageSize;
        var pixels = new byte[indices.Count * size];
        for (int i = 0; i < indices.Count; i++) Array.Copy(Pixels, (long)indices[i] * size, pixels, (long)i * size, size);
        return this with { Pixels = pixels, Labels = indices.Select(i => Labels[i]).ToArray() };
    }

    /// <summary>
    /// The long-tailed subset of Cao et al.: per class ⌊n_max·ρ^(−c/(C−1))⌋ images (n_max = the smallest class size here),
    /// chosen with <paramref name="seed"/>.
    /// </summary>
    public ImageArray LongTailed(double imbalance_ratio = 100, int seed = 0)
    {
        int max = Enumerable.Range(0, ClassNames.Count).Min(c => Labels.Count(l => l == c));
        var counts = LongTailProfile.Counts(ClassNames.Count, max, imbalance_ratio);
        return Subset(LongTailProfile.Select(Labels, counts, seed));
    }

    /// <summary>One image as <see cref="RawImage"/> (a copy).</summary>
    public RawImage Image(int index) =>
        new(Pixels.AsSpan(index * ImageSize, ImageSize).ToArray(), Channels, Height, Width);
}

/// <summary>A decoded image: interleaved 8-bit pixels.</summary>
/// <param name="Pixels">HWC bytes.</param>
/// <param name="Channels">1 or 3.</param>
/// <param name="Height">Height.</param>
/// <param name="Width">Width.</param>
public sealed record RawImage(byte[] Pixels, int Channels, int Height, int Width);
