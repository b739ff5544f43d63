using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Vision.Data.Synthetic;

/// <summary>
/// Generates the built-in synthetic driving scenes in the generic folder layout (dataset.json, images/&lt;split&gt;,
/// labels/&lt;split&gt;). Deterministic: the same arguments give byte-identical files. Scenes are drawn at 2× and
/// box-filtered down, so thin objects blend into their background; a label pixel takes the majority class of its 2×2 block
/// (an even split goes to the thinner class).
/// </summary>
public static class SyntheticScenes
{
    /// <summary>Writes <paramref name="train"/> + <paramref name="val"/> scenes of <paramref name="width"/>×<paramref name="height"/>
    /// under <paramref name="outDir"/> and returns the pixel frequency of each class over the training split.
    /// <paramref name="confusability"/>: the probability that a pedestrian, bicycle or sign takes its background's colour.</summary>
    public static PixelFrequencyTable Generate(string outDir, int train, int val, int width, int height, int seed, double confusability = 0,
        IProgress<int>? progress = null)
    {
        if (!(confusability is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(confusability), $"confusability is a probability in [0, 1] (got {confusability}).");
        if (train < 1 || val < 0) throw new ArgumentOutOfRangeException(nameof(train), $"need at least 1 training scene and ≥ 0 validation scenes (got {train}, {val}).");
        if (width < 16 || height < 16) throw new ArgumentOutOfRangeException(nameof(width), $"scenes must be at least 16×16 (got {width}×{height}).");
        FolderDataset.WriteDescription(outDir, SceneClasses.Description);
        var counts = new long[SceneClasses.Names.Length];
        long ignored = 0;
        int done = 0;
        foreach (var (split, n, offset) in new[] { ("train", train, 0), ("val", val, 1_000_000) })
        {
            Directory.CreateDirectory(Path.Combine(outDir, "images", split));
            Directory.CreateDirectory(Path.Combine(outDir, "labels", split));
            var splitCounts = new long[counts.Length + 1];
            OrderedParallel.For(n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new long[counts.Length + 1], (i, local) =>
            {
                var canvas = new ScenePainter(2 * width, 2 * height, unchecked(seed * 7919 + offset + i), confusability).Paint();
                var (rgb, labels) = Downsample(canvas, width, height);
                var name = $"scene_{i:D5}";
                using (var image = Image.LoadPixelData<Rgb24>(rgb, width, height))
                    image.SaveAsPng(Path.Combine(outDir, "images", split, name + ".png"));
                using (var label = Image.LoadPixelData<L8>(labels, width, height))
                    label.SaveAsPng(Path.Combine(outDir, "labels", split, name + ".png"));
                foreach (var l in labels) local[l == SceneClasses.Ignore ? counts.Length : l]++;
                return local;
            }, local =>
            {
                for (int c = 0; c < local.Length; c++) splitCounts[c] += local[c];
            });
            done += n;
            progress?.Report(done);
            if (split == "train")
            {
                Array.Copy(splitCounts, counts, counts.Length);
                ignored = splitCounts[^1];
            }
        }
        return new PixelFrequencyTable(SceneClasses.Names, counts, ignored);
    }

    private static (byte[] rgb, byte[] labels) Downsample(Canvas canvas, int width, int height)
    {
        var rgb = new byte[width * height * 3];
        var labels = new byte[width * height];
        Span<byte> block = stackalloc byte[4];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int o = y * width + x;
                for (int ch = 0; ch < 3; ch++)
                {
                    int sum = 0;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++)
                            sum += canvas.Rgb[3 * ((2 * y + dy) * canvas.Width + 2 * x + dx) + ch];
                    rgb[3 * o + ch] = (byte)((sum + 2) / 4);
                }
                for (int k = 0; k < 4; k++) block[k] = canvas.Labels[(2 * y + k / 2) * canvas.Width + 2 * x + k % 2];
                labels[o] = Majority(block);
            }
        return (rgb, labels);
    }

    private static byte Majority(ReadOnlySpan<byte> block)
    {
        byte best = block[0];
        int bestCount = 0;
        foreach (var candidate in block)
        {
            int count = 0;
            foreach (var other in block) if (other == candidate) count++;
            if (count > bestCount || (count == bestCount && Rank(candidate) > Rank(best)))
            {
                best = candidate;
                bestCount = count;
            }
        }
        return best;
    }

    private static int Rank(byte label) => label == SceneClasses.Ignore ? -1 : SceneClasses.TieRank[label];
}
