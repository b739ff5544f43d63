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
    /// <summary>Random crop of the padded image and a random flip, seeded by <paramref name="random"/>.</summary>
    public static float[] Train(RawImage image, ClassificationAugmentation augmentation, Random random)
    {
        int s = augmentation.Size, p = augmentation.Padding;
        int top = random.Next(-p, Math.Max(-p, image.Height + p - s) + 1);
        int left = random.Next(-p, Math.Max(-p, image.Width + p - s) + 1);
        bool flip = augmentation.Flip && random.Next(2) == 1;
        return Crop(image, augmentation, top, left, flip);
    }

    /// <summary>Centre crop (zero padding when the image is smaller).</summary>
    public static float[] Eval(RawImage image, ClassificationAugmentation augmentation) =>
        Crop(image, augmentation, (image.Height - augmentation.Size) / 2, (image.Width - augmentation.Size) / 2, false);

    private static float[] Crop(RawImage image, ClassificationAugmentation augmentation, int top, int left, bool flip)
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
                    int sx = left + (flip ? s - 1 - x : x);
                    byte value = sy >= 0 && sy < image.Height && sx >= 0 && sx < image.Width ? image.Pixels[(sy * image.Width + sx) * channels + c] : (byte)0;
                    output[(c * s + y) * s + x] = value * scale - shift;
                }
            }
        }
        return output;
    }
}
