using RecallKit.Tests.Data.Reference;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Synthetic;

namespace RecallKit.Tests.Data;

/// <summary>
/// Training batches render each view straight into its slot: every slot equals <see cref="SegmentationTransforms.Train"/> of
/// that sample with its seed, labels equal the per-pixel reference's, and a skipped file's slot is closed up.
/// </summary>
public sealed class AugmentedBatchTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-augmented-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static void AssertSlotsAreTheSamplesViews(FolderDataset dataset, ImageBatch batch, AugmentationOptions options, int seed, int epoch)
    {
        var index = Enumerable.Range(0, dataset.Count).ToDictionary(i => dataset.Load(i).Id);
        int plane = options.CropWidth * options.CropHeight;
        Assert.Equal((options.CropHeight, options.CropWidth), (batch.Height, batch.Width));
        Assert.Equal(batch.Count * 3 * plane, batch.Images.Length);
        Assert.Equal(batch.Count * plane, batch.Labels.Length);
        for (int s = 0; s < batch.Count; s++)
        {
            int i = index[batch.Ids[s]];
            var sample = dataset.Load(i);
            int sampleSeed = Seeds.Derive(seed, epoch, i);
            var (image, labels) = SegmentationTransforms.Train(sample, options, new Random(sampleSeed), dataset.Classes.IgnoreIndex);
            Assert.Equal(image, batch.Images.AsSpan(s * 3 * plane, 3 * plane).ToArray());
            Assert.Equal(labels, batch.Labels.AsSpan(s * plane, plane).ToArray());
            var (_, referenceLabels) = PerPixelSegmentationTransforms.Train(sample, options, new Random(sampleSeed), dataset.Classes.IgnoreIndex);
            Assert.Equal(referenceLabels, labels);
        }
    }

    [Fact]
    public void EverySlotOfATrainingBatchIsItsSamplesView()
    {
        SyntheticScenes.Generate(dir, 9, 1, 64, 40, seed: 2);
        var dataset = new FolderDataset(dir, "train");
        var options = new AugmentationOptions(48, 32, 0.5, 2.0, ColorJitter: true);
        var batches = new DatasetBatches(dataset, 4, options, seed: 6);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var all = batches.Epoch(epoch, 0, default).ToList();
            Assert.Equal(2, all.Count);
            foreach (var batch in all) AssertSlotsAreTheSamplesViews(dataset, batch, options, 6, epoch);
        }
    }

    [Fact]
    public void ASkippedFileLeavesNoGapInTheBatch()
    {
        SyntheticScenes.Generate(dir, 8, 1, 64, 40, seed: 4);
        var options = new AugmentationOptions(40, 24, 0.75, 1.5);
        var batches = new DatasetBatches(new FolderDataset(dir, "train"), 4, options, seed: 1, skip_bad_files: true);
        var first = batches.Epoch(0, 0, default).First();
        var victim = Directory.GetFiles(Path.Combine(dir, "images", "train")).Single(f => Path.GetFileName(f) == Path.GetFileName(first.Ids[1]));
        File.WriteAllBytes(victim, [1, 2, 3]); // the second slot of the first batch
        batches = new DatasetBatches(new FolderDataset(dir, "train"), 4, options, seed: 1, skip_bad_files: true);
        var batch = batches.Epoch(0, 0, default).First();
        Assert.Equal(3, batch.Count);
        Assert.Equal(new[] { first.Ids[0], first.Ids[2], first.Ids[3] }, batch.Ids);
        Assert.Single(batches.SkippedFiles);
        int plane = options.CropWidth * options.CropHeight;
        Assert.Equal(first.Images.AsSpan(2 * 3 * plane, 2 * 3 * plane).ToArray(), batch.Images.AsSpan(3 * plane, 2 * 3 * plane).ToArray());
        Assert.Equal(first.Labels.AsSpan(2 * plane, 2 * plane).ToArray(), batch.Labels.AsSpan(plane, 2 * plane).ToArray());
        Assert.Equal(first.Images.AsSpan(0, 3 * plane).ToArray(), batch.Images.AsSpan(0, 3 * plane).ToArray());
        Assert.Equal(first.Labels.AsSpan(0, plane).ToArray(), batch.Labels.AsSpan(0, plane).ToArray());
    }
}
