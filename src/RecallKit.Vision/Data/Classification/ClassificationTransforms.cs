namespace RecallKit.Vision.Data.Classification;

/// <summary>Crop size, padding, flips and per-channel normalisation of a classification dataset.</summary>
/// <param name="Size">Side of the square network input.</param>
/// <param name="Padding">Zero padding around the image before a random training crop (CIFAR: 4).</param>
/// <param name="Flip">Random horizontal flips during training.</param>
/// <param name="Mean">Per-channel mean of pixel/255.</param>
/// <param name="Std">Per-channel standard deviation of pixel/255.</param>
public sealed record ClassificationAugmentation(int Size, int Padding, bool Flip, float[] Mean, float[] Std);

/// <summary>Turns a decoded image into a normalised CHW float array of the network's input size.</summary>
public static class ClassificationTransforms
{
    /// <summary>
    /// Random crop of the zero-padded image and a random flip, seeded by <paramref name="random"/>. An image at least as large
    /// as the crop minus the padding gets the usual padded random crop, flipped as a whole (torchvision's RandomCrop with
    /// padding, then RandomHorizontalFlip). A smaller one is placed as <see cref="Eval"/> places it, centred, moved by at most
    /// the padding in each direction, and a flip mirrors it where it is, so training and evaluation see it in the same place.
    /// </summary>
    public static float[] Train(RawImage image, ClassificationAugmentation augmentation, Random random)
    {
        int s = augmentation.Size, p = augmentation.Padding;
        int top = Offset(image.Height, s, p, random);
        int left = Offset(image.Width, s, p, random);
        bool flip = augmentation.Flip && random.Next(2) == 1;
        return Crop(image, augmentation, top, left, flip, flipInPlace: image.Width + 2 * p < s);
    }

    /// <summary>Centre crop (zero padding, the image centred, when the image is smaller).</summary>
    public static float[] Eval(RawImage image, ClassificationAugmentation augmentation) =>
        Crop(image, augmentation, Centre(image.Height, augmentation.Size), Centre(image.Width, augmentation.Size), false, false);

    /// <summary>Where the crop starts in the image (negative: zero padding before the image) for a centred crop.</summary>
    private static int Centre(int length, int size) => (length - size) / 2;

    private static int Offset(int length, int size, int padding, Random random) =>
        length + 2 * padding >= size
            ? random.Next(-padding, length + padding - size + 1)
            : random.Next(Centre(length, size) - padding, Centre(length, size) + padding + 1);

    private static float[] Crop(RawImage image, ClassificationAugmentation augmentation, int top, int left, bool flip, bool flipInPlace)
    {
        int s = augmentation.Size, channels = image.Channels;
        if (augmentation.Mean.Length != channels || augmentation.Std.Length != channels)
            throw new InvalidDataException($"image has {channels} channels but the normalisation has {augmentation.Mean.Length}.");
        var output = new float[channels * s * s];
        for (int c = 0; c < channels; c++)
        {
            float scale = 1f / (255f * augmentation.Std[c]), shift = augmentation.Mean[c] / augmentation.Std[c];
            for (int y = 0; y < s; y++)
            {
                int sy = top + y;
                for (int x = 0; x < s; x++)
                {
                    int sx = !flip ? left + x : flipInPlace ? image.Width - 1 - (left + x) : left + s - 1 - x;
                    byte value = sy >= 0 && sy < image.Height && sx >= 0 && sx < image.Width ? image.Pixels[(sy * image.Width + sx) * channels + c] : (byte)0;
                    output[(c * s + y) * s + x] = value * scale - shift;
                }
            }
        }
        return output;
    }
}
