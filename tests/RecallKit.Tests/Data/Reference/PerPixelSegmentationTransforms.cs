using RecallKit.Vision.Data;

namespace RecallKit.Tests.Data.Reference;

/// <summary>
/// The per-pixel, double-precision segmentation transform as it was until 2026-12 (verbatim but for the names), kept as the
/// reference the row-wise float32 transform (<see cref="RowSampler"/>) is tested against: same random draws, bit-identical
/// labels, images to float rounding. Also linked into the benchmark for the A/B timing (`bench data`).
/// </summary>
public static class PerPixelSegmentationTransforms
{
    private static readonly float[] Mean = SegmentationTransforms.Mean;
    private static readonly float[] Std = SegmentationTransforms.Std;

    /// <summary>A random training view of <paramref name="sample"/>: normalised CHW floats and labels (padding is ignore).</summary>
    public static (float[] image, long[] labels) Train(LabeledImage sample, AugmentationOptions options, Random random, int ignore_index)
    {
        double scale = options.ScaleMin + (options.ScaleMax - options.ScaleMin) * random.NextDouble();
        int scaledW = Math.Max(1, (int)Math.Round(sample.Width * scale)), scaledH = Math.Max(1, (int)Math.Round(sample.Height * scale));
        int offsetX = scaledW > options.CropWidth ? random.Next(scaledW - options.CropWidth + 1) : -((options.CropWidth - scaledW) / 2);
        int offsetY = scaledH > options.CropHeight ? random.Next(scaledH - options.CropHeight + 1) : -((options.CropHeight - scaledH) / 2);
        bool flip = options.Flip && random.NextDouble() < 0.5;
        var jitter = options.ColorJitter
            ? (brightness: 0.8 + 0.4 * random.NextDouble(), contrast: 0.8 + 0.4 * random.NextDouble(), saturation: 0.8 + 0.4 * random.NextDouble())
            : (brightness: 1.0, contrast: 1.0, saturation: 1.0);
        double sx = (double)sample.Width / scaledW, sy = (double)sample.Height / scaledH;
        return Sample(sample, options.CropWidth, options.CropHeight, (x, y) =>
        {
            int cx = flip ? options.CropWidth - 1 - x : x;
            return ((cx + offsetX + 0.5) * sx - 0.5, (y + offsetY + 0.5) * sy - 0.5, cx + offsetX >= 0 && cx + offsetX < scaledW && y + offsetY >= 0 && y + offsetY < scaledH);
        }, jitter, ignore_index);
    }

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
