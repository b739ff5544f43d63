namespace RecallKit.Vision.Data.FashionScenes;

/// <summary>
/// Greyscale background textures whose intensities overlap the garments' (so a pixel's brightness does not tell garment from
/// background): smooth value noise, oriented stripes, or both, plus fine grain. Only arithmetic and square roots, so the
/// bytes do not depend on the platform's trigonometric functions.
/// </summary>
internal static class BackgroundTexture
{
    /// <summary>Fills <paramref name="pixels"/> (<paramref name="width"/>×<paramref name="height"/>) with a texture drawn from <paramref name="random"/>.</summary>
    public static void Paint(byte[] pixels, int width, int height, Random random)
    {
        int kind = random.Next(3); // 0 noise, 1 stripes, 2 both
        double mean = Uniform(random, 50, 190);
        double noiseAmplitude = kind == 1 ? 0 : Uniform(random, 25, 70);
        double stripeAmplitude = kind == 0 ? 0 : Uniform(random, 20, 60);
        double grain = Uniform(random, 3, 12);
        var noise = kind == 1 ? null : ValueNoise(width, height, random.Next(6, 25), random);
        var detail = kind == 1 ? null : ValueNoise(width, height, random.Next(2, 6), random);
        double dx = Uniform(random, -1, 1), dy = Uniform(random, -1, 1);
        double norm = Math.Sqrt(dx * dx + dy * dy);
        if (norm < 1e-3) (dx, dy, norm) = (1, 0, 1);
        dx /= norm;
        dy /= norm;
        double period = Uniform(random, 5, 20), phase = random.NextDouble();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                double v = mean + (random.NextDouble() - 0.5) * 2 * grain;
                if (noise is not null) v += noiseAmplitude * (noise[i] - 0.5) * 2 + 0.3 * noiseAmplitude * (detail![i] - 0.5) * 2;
                if (stripeAmplitude > 0) v += stripeAmplitude * Triangle((x * dx + y * dy) / period + phase);
                pixels[i] = (byte)Math.Clamp((int)Math.Round(v), 0, 255);
            }
    }

    /// <summary>A smoothly interpolated lattice of random values in [0, 1], one lattice point every <paramref name="cell"/> pixels.</summary>
    private static double[] ValueNoise(int width, int height, int cell, Random random)
    {
        int gw = width / cell + 2, gh = height / cell + 2;
        var grid = new double[gw * gh];
        for (int i = 0; i < grid.Length; i++) grid[i] = random.NextDouble();
        var values = new double[width * height];
        for (int y = 0; y < height; y++)
        {
            int gy = y / cell;
            double ty = Smooth((y % cell + 0.5) / cell);
            for (int x = 0; x < width; x++)
            {
                int gx = x / cell;
                double tx = Smooth((x % cell + 0.5) / cell);
                double top = grid[gy * gw + gx] * (1 - tx) + grid[gy * gw + gx + 1] * tx;
                double bottom = grid[(gy + 1) * gw + gx] * (1 - tx) + grid[(gy + 1) * gw + gx + 1] * tx;
                values[y * width + x] = top * (1 - ty) + bottom * ty;
            }
        }
        return values;
    }

    private static double Smooth(double t) => t * t * (3 - 2 * t);

    /// <summary>A triangle wave of period 1 in [−1, 1].</summary>
    private static double Triangle(double t)
    {
        double f = t - Math.Floor(t);
        return 4 * Math.Abs(f - 0.5) - 1;
    }

    private static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();
}
