using RecallKit.Vision.Data;

namespace RecallKit.Tests.Data;

public class TransformsAndBatchesTests
{
    /// <summary>An image whose red channel encodes the label (label·60), so alignment can be read back after any transform.</summary>
    private static LabeledImage Coded(int width, int height, int seed)
    {
        var random = new Random(seed);
        var labels = new int[width * height];
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                // 8×8 blocks of one label, so bilinear sampling inside a block returns the block's exact colour.
                int label = (x / 8 + 3 * (y / 8) + seed) % 4;
                labels[y * width + x] = label;
                rgb[3 * (y * width + x)] = (byte)(label * 60);
                rgb[3 * (y * width + x) + 1] = (byte)random.Next(256);
            }
        return new LabeledImage($"coded{seed}", width, height, rgb, labels);
    }

    [Fact]
    public void EvalTransformNormalisesWithImageNetStatistics()
    {
        var s = Coded(8, 4, 1);
        var (image, labels) = SegmentationTransforms.Eval(s, 255);
        Assert.Equal(s.Labels.Select(l => (long)l), labels);
        Assert.Equal((s.Rgb[0] / 255f - 0.485f) / 0.229f, image[0], 5);
        Assert.Equal((s.Rgb[4] / 255f - 0.456f) / 0.224f, image[32 + 1], 5);
    }

    [Theory]
    [InlineData(1.0, 1.0, true)]
    [InlineData(0.5, 2.0, true)]
    [InlineData(1.7, 1.7, false)]
    public void TrainTransformKeepsImageAndLabelAligned(double scaleMin, double scaleMax, bool flip)
    {
        var options = new AugmentationOptions(24, 16, scaleMin, scaleMax, flip);
        for (int seed = 0; seed < 20; seed++)
        {
            var (image, labels) = SegmentationTransforms.Train(Coded(48, 32, seed), options, new Random(seed), 255);
            int checkedPixels = 0;
            for (int y = 1; y < 15; y++)
                for (int x = 1; x < 23; x++)
                {
                    int p = y * 24 + x;
                    if (labels[p] == 255)
                    {
                        Assert.Equal(0f, image[p]); // padding is the mean colour
                        continue;
                    }
                    bool uniform = true;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                            uniform &= labels[p + dy * 24 + dx] == labels[p];
                    if (!uniform) continue; // at a block edge the colour is a blend
                    float red = (image[p] * 0.229f + 0.485f) * 255;
                    Assert.True(Math.Abs(red - labels[p] * 60) < 1, $"seed {seed} pixel ({x},{y}): label {labels[p]} but red {red}");
                    checkedPixels++;
                }
            Assert.True(checkedPixels > 50, $"only {checkedPixels} pixels checked");
        }
    }

    [Fact]
    public void FlipMirrorsImageAndLabelTogether()
    {
        var s = Coded(16, 8, 3);
        var options = new AugmentationOptions(16, 8, Flip: true);
        // Find a seed that flips and one that does not, and compare.
        var views = Enumerable.Range(0, 10).Select(seed => SegmentationTransforms.Train(s, options, new Random(seed), 255)).ToArray();
        var plain = views.First(v => v.labels[0] == s.Labels[0] && v.labels[15] == s.Labels[15]);
        var flipped = views.First(v => v.labels[0] == s.Labels[15] && v.labels[15] == s.Labels[0]);
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 16; x++)
            {
                Assert.Equal(plain.labels[y * 16 + x], flipped.labels[y * 16 + 15 - x]);
                Assert.Equal(plain.image[y * 16 + x], flipped.image[y * 16 + 15 - x], 5);
            }
    }

    private sealed class InMemory(int count) : ISegmentationDataset
    {
        public DatasetClasses Classes { get; } = new(["a", "b", "c", "d"], [(0, 0, 0), (1, 1, 1), (2, 2, 2), (3, 3, 3)], 255);

        public int Count => count;

        public string Describe(int index) => $"sample {index}";

        public LabeledImage Load(int index) => Coded(16, 8, index);
    }

    [Fact]
    public void OrderChangesEveryEpochIsStableForAnEpochAndResumesMidEpoch()
    {
        var batches = new DatasetBatches(new InMemory(20), 4, new AugmentationOptions(12, 8), seed: 9);
        Assert.Equal(5, batches.BatchesPerEpoch);
        string[] Ids(int epoch, int start) => batches.Epoch(epoch, start, default).SelectMany(b => b.Ids).ToArray();
        var epoch0 = Ids(0, 0);
        Assert.Equal(20, epoch0.Distinct().Count());
        Assert.Equal(epoch0, Ids(0, 0));
        Assert.NotEqual(epoch0, Ids(1, 0));
        Assert.Equal(epoch0[8..], Ids(0, 2));
        var first = batches.Epoch(3, 0, default).Skip(2).First();
        var resumed = batches.Epoch(3, 2, default).First();
        Assert.Equal(first.Images, resumed.Images);
        Assert.Equal(first.Labels, resumed.Labels);
    }

    [Fact]
    public void EvaluationBatchesKeepFileOrderAndTheLastPartialBatch()
    {
        var batches = new DatasetBatches(new InMemory(10), 4, null, seed: 1);
        var all = batches.Epoch(0, 0, default).ToArray();
        Assert.Equal([4, 4, 2], all.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"coded{i}"), all.SelectMany(b => b.Ids));
        Assert.Equal((8, 16), (all[0].Height, all[0].Width));
    }

    [Fact]
    public void ADecodingErrorSurfacesInTheConsumerWithTheFile()
    {
        var batches = new DatasetBatches(new Failing(), 2, null, seed: 1);
        var e = Assert.Throws<InvalidDataException>(() => batches.Epoch(0, 0, default).ToArray());
        Assert.Contains("broken.png", e.Message);
    }

    [Fact]
    public void SkipBadFilesDropsAndRecordsTheBrokenSampleOnly()
    {
        var batches = new DatasetBatches(new Failing(), 2, null, seed: 1, skip_bad_files: true);
        var all = batches.Epoch(0, 0, default).ToArray();
        Assert.Equal([2, 1], all.Select(b => b.Count));
        Assert.Equal(8 * 8, all[1].Labels.Length);
        Assert.Single(batches.SkippedFiles);
        Assert.Contains("cannot decode broken.png", batches.SkippedFiles.Values.Single());
    }

    private sealed class Failing : ISegmentationDataset
    {
        public DatasetClasses Classes { get; } = new(["a"], [(0, 0, 0)], 255);

        public int Count => 4;

        public string Describe(int index) => "broken.png";

        public LabeledImage Load(int index) => index == 3 ? throw new InvalidDataException("cannot decode broken.png") : Coded(8, 8, 0);
    }
}
