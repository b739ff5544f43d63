using RecallKit.Vision.Data.Classification;

namespace RecallKit.Vision.Data.FashionScenes;

/// <summary>
/// Renders a planned scene: a greyscale background texture, then each garment resized (bilinear) to a random size and pasted
/// at a random position. A garment pixel is pasted — its intensity written to the image and its class to the label map — when
/// its intensity is above <see cref="Threshold"/>; a later garment overwrites an earlier one.
/// </summary>
public static class FashionSceneComposer
{
    /// <summary>Intensity above which a garment pixel belongs to the garment (Fashion-MNIST backgrounds are 0).</summary>
    public const byte Threshold = 30;

    /// <summary>Smallest garment side relative to the 28-pixel source.</summary>
    public const double MinScale = 1.2;

    /// <summary>Largest garment side relative to the 28-pixel source.</summary>
    public const double MaxScale = 2.4;

    /// <summary>Renders <paramref name="plan"/> at <paramref name="width"/>×<paramref name="height"/> from <paramref name="source"/>.</summary>
    public static FashionScene Compose(ScenePlan plan, ImageArray source, int width, int height)
    {
        var random = new Random(plan.RenderSeed);
        var pixels = new byte[width * height];
        var labels = new byte[width * height];
        BackgroundTexture.Paint(pixels, width, height, random);
        var placements = new List<GarmentPlacement>(plan.Garments.Count);
        foreach (var (c, index) in plan.Garments)
        {
            double scale = MinScale + (MaxScale - MinScale) * random.NextDouble();
            double aspect = 0.85 + 0.3 * random.NextDouble();
            int w = Math.Clamp((int)Math.Round(source.Width * scale), 4, width);
            int h = Math.Clamp((int)Math.Round(source.Height * scale * aspect), 4, height);
            int x = random.Next(0, width - w + 1), y = random.Next(0, height - h + 1);
            var patch = Resize(source.Pixels.AsSpan(index * source.ImageSize, source.ImageSize), source.Width, source.Height, w, h);
            var placement = new GarmentPlacement(FashionSceneClasses.LabelOf(c), index, x, y, w, h, patch);
            for (int py = 0; py < h; py++)
                for (int px = 0; px < w; px++)
                {
                    byte v = patch[py * w + px];
                    if (v <= Threshold) continue;
                    int o = (y + py) * width + x + px;
                    pixels[o] = v;
                    labels[o] = placement.Label;
                }
            placements.Add(placement);
        }
        return new FashionScene(width, height, pixels, labels, placements);
    }

    /// <summary>Bilinear resize of a greyscale image (pixel centres aligned, edges clamped).</summary>
    public static byte[] Resize(ReadOnlySpan<byte> image, int width, int height, int newWidth, int newHeight)
    {
        var result = new byte[newWidth * newHeight];
        double sx = (double)width / newWidth, sy = (double)height / newHeight;
        for (int y = 0; y < newHeight; y++)
        {
            double fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, height - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, height - 1);
            double ty = fy - y0;
            for (int x = 0; x < newWidth; x++)
            {
                double fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, width - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, width - 1);
                double tx = fx - x0;
                double top = image[y0 * width + x0] * (1 - tx) + image[y0 * width + x1] * tx;
                double bottom = image[y1 * width + x0] * (1 - tx) + image[y1 * width + x1] * tx;
                result[y * newWidth + x] = (byte)Math.Clamp((int)Math.Round(top * (1 - ty) + bottom * ty), 0, 255);
            }
        }
        return result;
    }
}
