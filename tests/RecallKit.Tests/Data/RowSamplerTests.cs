using RecallKit.Tests.Data.Reference;
using RecallKit.Vision.Data;

namespace RecallKit.Tests.Data;

/// <summary>
/// The row-wise float32 training transform against the per-pixel double-precision one it replaced
/// (<see cref="PerPixelSegmentationTransforms"/>, kept verbatim): the same random draws, bit-identical labels, images within
/// <see cref="Tolerance"/>.
/// </summary>
public sealed class RowSamplerTests
{
    /// <summary>Largest difference allowed in normalised image values: 1e-5 ≈ 0.0006 of a grey level (float32 rounding of values up to 2.6).</summary>
    private const float Tolerance = 1e-5f;

    private static LabeledImage Noise(int width, int height, int seed, int classes = 19)
    {
        var random = new Random(seed);
        var rgb = new byte[width * height * 3];
        random.NextBytes(rgb);
        var labels = new int[width * height];
        for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(100) < 5 ? 255 : random.Next(classes);
        return new LabeledImage($"noise{seed}", width, height, rgb, labels);
    }

    private static void AssertSame(LabeledImage sample, AugmentationOptions options, int seed, string what)
    {
        var referenceRandom = new Random(seed);
        var newRandom = new Random(seed);
        var (expectedImage, expectedLabels) = PerPixelSegmentationTransforms.Train(sample, options, referenceRandom, 255);
        var (image, labels) = SegmentationTransforms.Train(sample, options, newRandom, 255);
        Assert.Equal(referenceRandom.Next(), newRandom.Next()); // the same number of draws: later draws stay where they were
        Assert.Equal(expectedLabels.Length, labels.Length);
        int firstLabel = Enumerable.Range(0, labels.Length).FirstOrDefault(i => labels[i] != expectedLabels[i], -1);
        Assert.True(firstLabel < 0, $"{what}: label {firstLabel} is {(firstLabel < 0 ? 0 : labels[firstLabel])}, expected {(firstLabel < 0 ? 0 : expectedLabels[firstLabel])}");
        Assert.Equal(expectedImage.Length, image.Length);
        float worst = 0;
        int worstAt = 0;
        for (int i = 0; i < image.Length; i++)
        {
            float d = Math.Abs(image[i] - expectedImage[i]);
            if (d > worst) (worst, worstAt) = (d, i);
        }
        Assert.True(worst <= Tolerance, $"{what}: image value {worstAt} is {image[worstAt]}, expected {expectedImage[worstAt]} (difference {worst})");
    }

    private static readonly double[] Exact = [0.5, 0.25, 1, 2, 1.5];

    [Fact]
    public void LabelsAreBitIdenticalAndImagesCloseForRandomScalesCropsFlipsAndJitter()
    {
        var random = new Random(28);
        for (int c = 0; c < 400; c++)
        {
            int width = random.Next(1, 90), height = random.Next(1, 70);
            var sample = Noise(width, height, c);
            double a = random.NextDouble() * 2.5 + 0.05, b = random.NextDouble() * 2.5 + 0.05;
            if (c % 4 == 0) a = b = Exact[c / 4 % Exact.Length]; // source coordinates on .5: labels rounded half to even
            var options = new AugmentationOptions(random.Next(1, 80), random.Next(1, 60), Math.Min(a, b), Math.Max(a, b),
                Flip: random.Next(4) > 0, ColorJitter: random.Next(3) == 0);
            AssertSame(sample, options, c, $"case {c}: {width}×{height}, {options}");
        }
    }

    [Fact]
    public void CityscapesSizeViewsMatchTheReference()
    {
        var sample = Noise(2048, 1024, 7);
        var options = new AugmentationOptions(768, 768, 0.5, 2.0);
        for (int seed = 0; seed < 6; seed++) AssertSame(sample, options, seed, $"seed {seed}");
        AssertSame(sample, options with { ColorJitter = true }, 99, "jitter");
    }

    [Fact]
    public void UpscalingTwoPixelsInterpolatesAsComputedByHand()
    {
        // Black and white pixels scaled ×2 into a 4×2 crop: source x = (x + 0.5)/2 − 0.5 = −0.25, 0.25, 0.75, 1.25, clamped
        // to [0, 1] for the colour (0, 63.75, 191.25, 255) and rounded half to even for the label (0, 0, 1, 1).
        var sample = new LabeledImage("two", 2, 1, [0, 0, 0, 255, 255, 255], [3, 7]);
        var (image, labels) = SegmentationTransforms.Train(sample, new AugmentationOptions(4, 2, 2, 2, Flip: false), new Random(0), 255);
        Assert.Equal([3L, 3, 7, 7, 3, 3, 7, 7], labels);
        double[] grey = [0, 63.75, 191.25, 255];
        for (int ch = 0; ch < 3; ch++)
            for (int i = 0; i < 8; i++)
                Assert.Equal((grey[i % 4] / 255 - SegmentationTransforms.Mean[ch]) / SegmentationTransforms.Std[ch], image[ch * 8 + i], 5);
    }

    [Fact]
    public void ACropLargerThanTheScaledImageIsPaddedWithIgnoreAndTheMeanColour()
    {
        var sample = new LabeledImage("one", 1, 1, [200, 100, 50], [4]);
        var (image, labels) = SegmentationTransforms.Train(sample, new AugmentationOptions(3, 3, Flip: false), new Random(0), 255);
        Assert.Equal([255L, 255, 255, 255, 4, 255, 255, 255, 255], labels);
        for (int ch = 0; ch < 3; ch++)
            for (int i = 0; i < 9; i++)
                if (i == 4) Assert.Equal((sample.Rgb[ch] / 255.0 - SegmentationTransforms.Mean[ch]) / SegmentationTransforms.Std[ch], image[ch * 9 + i], 5);
                else Assert.Equal(0f, image[ch * 9 + i]);
    }

    [Fact]
    public void AMismatchedBufferIsAClearError()
    {
        var sample = new LabeledImage("broken.png", 4, 4, new byte[47], new int[16]);
        var e = Assert.Throws<InvalidDataException>(() => SegmentationTransforms.Train(sample, new AugmentationOptions(2, 2), new Random(0), 255));
        Assert.Contains("broken.png", e.Message);
    }
}
