namespace RecallKit.Vision.Data;

/// <summary>
/// The random choices of one training view: scale, crop offset, flip and colour jitter. <see cref="Draw"/> takes them from the
/// generator in a fixed order (scale, x offset, y offset, flip, then brightness, contrast, saturation), the order of every
/// earlier version, so a given seed augments a sample the same way as before.
/// </summary>
/// <param name="CropWidth">Output width.</param>
/// <param name="CropHeight">Output height.</param>
/// <param name="ScaledWidth">Width of the rescaled image the crop is taken from.</param>
/// <param name="ScaledHeight">Height of the rescaled image.</param>
/// <param name="OffsetX">Crop's left edge in the rescaled image (negative: the image is centred in a wider crop).</param>
/// <param name="OffsetY">Crop's top edge in the rescaled image.</param>
/// <param name="Flip">Mirror horizontally.</param>
/// <param name="Brightness">Brightness factor (1 without jitter).</param>
/// <param name="Contrast">Contrast factor.</param>
/// <param name="Saturation">Saturation factor.</param>
public readonly record struct TrainingView(int CropWidth, int CropHeight, int ScaledWidth, int ScaledHeight, int OffsetX, int OffsetY, bool Flip,
    double Brightness = 1, double Contrast = 1, double Saturation = 1)
{
    /// <summary>Whether colours change (any jitter factor differs from 1).</summary>
    public bool Jitters => (Brightness, Contrast, Saturation) != (1.0, 1.0, 1.0);

    /// <summary>Draws a view of a <paramref name="width"/>×<paramref name="height"/> image.</summary>
    public static TrainingView Draw(int width, int height, AugmentationOptions options, Random random)
    {
        double scale = options.ScaleMin + (options.ScaleMax - options.ScaleMin) * random.NextDouble();
        int scaledW = Math.Max(1, (int)Math.Round(width * scale)), scaledH = Math.Max(1, (int)Math.Round(height * scale));
        int offsetX = scaledW > options.CropWidth ? random.Next(scaledW - options.CropWidth + 1) : -((options.CropWidth - scaledW) / 2);
        int offsetY = scaledH > options.CropHeight ? random.Next(scaledH - options.CropHeight + 1) : -((options.CropHeight - scaledH) / 2);
        bool flip = options.Flip && random.NextDouble() < 0.5;
        var view = new TrainingView(options.CropWidth, options.CropHeight, scaledW, scaledH, offsetX, offsetY, flip);
        if (!options.ColorJitter) return view;
        double brightness = 0.8 + 0.4 * random.NextDouble(), contrast = 0.8 + 0.4 * random.NextDouble(), saturation = 0.8 + 0.4 * random.NextDouble();
        return view with { Brightness = brightness, Contrast = contrast, Saturation = saturation };
    }
}
