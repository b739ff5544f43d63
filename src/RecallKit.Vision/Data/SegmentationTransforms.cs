namespace RecallKit.Vision.Data;

/// <summary>
/// Image/label transforms to network input: the scaled, cropped and flipped image is sampled bilinearly and the label by
/// nearest neighbour from the same source coordinates, so image and label stay aligned; then ImageNet normalisation.
/// </summary>
public static class SegmentationTransforms
{
    /// <summary>ImageNet channel means (RGB, in [0,1]).</summary>
    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet channel standard deviations.</summary>
    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>A random training view of <paramref name="sample"/>: normalised CHW floats and labels (padding is ignore).</summary>
    /// <remarks>Draws the view (<see cref="TrainingView.Draw"/>) and renders it row-wise in float32 (<see cref="RowSampler"/>).</remarks>
    public static (float[] image, long[] labels) Train(LabeledImage sample, AugmentationOptions options, Random random, int ignore_index)
        => RowSampler.Render(sample, TrainingView.Draw(sample.Width, sample.Height, options, random), ignore_index);

    /// <summary>The whole image at its own size, no randomness.</summary>
    public static (float[] image, long[] labels) Eval(LabeledImage sample, int ignore_index) =>
        Sample(sample, sample.Width, sample.Height, (x, y) => (x, y, true), (1.0, 1.0, 1.0), ignore_index);

    private static (float[] image, long[] labels) Sample(LabeledImage sample, int width, int height,
        Func<int, int, (double sx, double sy, bool inside)> source, (double brightness, double contrast, double saturation) jitter, int ignore)
    {
        sample.Validate();
        int plane = width * height;
        var image = new float[3 * plane];
        var labels = new long[plane];
        Span<double> rgb = stackalloc double[3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int o = y * width + x;
                var (fx, fy, inside) = source(x, y);
                if (!inside)
                {
                    labels[o] = ignore;
                    continue; // normalised 0 = the mean colour
                }
                Bilinear(sample, fx, fy, rgb);
                if (jitter != (1.0, 1.0, 1.0)) Jitter(rgb, jitter);
                for (int ch = 0; ch < 3; ch++) image[ch * plane + o] = (float)((rgb[ch] / 255.0 - Mean[ch]) / Std[ch]);
                int nx = Math.Clamp((int)Math.Round(fx), 0, sample.Width - 1), ny = Math.Clamp((int)Math.Round(fy), 0, sample.Height - 1);
                labels[o] = sample.Labels[ny * sample.Width + nx];
            }
        return (image, labels);
    }

    private static void Bilinear(LabeledImage s, double fx, double fy, Span<double> rgb)
    {
        fx = Math.Clamp(fx, 0, s.Width - 1);
        fy = Math.Clamp(fy, 0, s.Height - 1);
        int x0 = (int)fx, y0 = (int)fy, x1 = Math.Min(x0 + 1, s.Width - 1), y1 = Math.Min(y0 + 1, s.Height - 1);
        double ax = fx - x0, ay = fy - y0;
        for (int ch = 0; ch < 3; ch++)
        {
            double top = s.Rgb[3 * (y0 * s.Width + x0) + ch] * (1 - ax) + s.Rgb[3 * (y0 * s.Width + x1) + ch] * ax;
            double bottom = s.Rgb[3 * (y1 * s.Width + x0) + ch] * (1 - ax) + s.Rgb[3 * (y1 * s.Width + x1) + ch] * ax;
            rgb[ch] = top * (1 - ay) + bottom * ay;
        }
    }

    private static void Jitter(Span<double> rgb, (double brightness, double contrast, double saturation) j)
    {
        double grey = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
        for (int ch = 0; ch < 3; ch++)
        {
            double v = grey + (rgb[ch] - grey) * j.saturation;
            v = 128 + (v - 128) * j.contrast;
            rgb[ch] = Math.Clamp(v * j.brightness, 0, 255);
        }
    }
}
