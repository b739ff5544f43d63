using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Segmentation;

namespace RecallKit.Tests.Data;

/// <summary>
/// data.repeat_threshold (LVIS repeat-factor sampling as mmengine's ClassBalancedDataset computes it) on label files written by
/// PIL: the class presence per image and its cache beside the pixel counts, the factors by hand, the epochs it yields.
/// </summary>
public sealed class RepeatFactorSamplingTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-repeat-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>
    /// Ten 4×2 training images: 0–4 hold road and person, 5–7 road only, 8 is unlabelled (255), 9 holds road and one car pixel;
    /// so f_road = 0.9, f_person = 0.5, f_car = 0.1.
    /// </summary>
    private const string Script = """
        import json, os, sys
        from PIL import Image
        root = sys.argv[1]
        os.makedirs(f"{root}/images/train", exist_ok=True)
        os.makedirs(f"{root}/labels/train", exist_ok=True)
        def labels(k):
            if k <= 4: return [0, 0, 1, 1, 0, 255, 1, 0]
            if k <= 7: return [0] * 8
            if k == 8: return [255] * 8
            return [0, 0, 0, 2, 0, 0, 255, 0]
        for k in range(10):
            Image.new("RGB", (4, 2), (10 * k, 50, 90)).save(f"{root}/images/train/img{k}.png")
            im = Image.new("L", (4, 2)); im.putdata(labels(k)); im.save(f"{root}/labels/train/img{k}.png")
        with open(f"{root}/dataset.json", "w") as f:
            json.dump({"classes": [{"name": "road", "color": [128, 64, 128]}, {"name": "person", "color": [220, 20, 60]}, {"name": "car", "color": [0, 0, 142]}]}, f)
        """;

    private async Task<string> WriteTree()
    {
        await Support.PythonPil.RunAsync(Script, dir);
        return dir;
    }

    private static readonly int[][] Expected = [[0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [0], [0], [0], [], [0, 2]];

    [Fact]
    public async Task PresenceIsReadFromTheLabelsAndCachedBesideThePixelCountsUntilALabelChanges()
    {
        var root = await WriteTree();
        Assert.Equal(Expected, ClassPresence.Compute(new FolderDataset(root, "train")));
        Assert.Equal(Expected, ClassPresence.Get(new FolderDataset(root, "train"), root, "train"));
        Assert.True(File.Exists(Path.Combine(root, "class_presence_train.json")));
        Assert.Equal([9L, 5, 1], ClassPresence.ImagesPerClass(Expected, 3));

        // A cache that lies is believed only while the fingerprint holds: rewrite image 6 (a middle file) with a car.
        await Support.PythonPil.RunAsync("""
            import sys
            from PIL import Image
            im = Image.new("L", (4, 2)); im.putdata([2] * 8); im.save(sys.argv[1])
            """, Path.Combine(root, "labels", "train", "img6.png"));
        var label = Path.Combine(root, "labels", "train", "img6.png");
        File.SetLastWriteTimeUtc(label, File.GetLastWriteTimeUtc(label).AddSeconds(5));
        var changed = ClassPresence.Get(new FolderDataset(root, "train"), root, "train");
        Assert.Equal([2], changed[6]);
        Assert.Equal(Expected[5], changed[5]);
    }

    [Theory]
    // t = 0.3: r_road = 1, r_person = max(1, √0.6) = 1, r_car = √3 → image 9 twice.
    [InlineData(0.3, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 2 })]
    // t = 1: r_road = √(1/0.9) = 1.054 → 2, r_person = √2 → 2, r_car = √10 = 3.16 → 4; the unlabelled image once.
    [InlineData(1.0, new[] { 2, 2, 2, 2, 2, 2, 2, 2, 1, 4 })]
    // t = 0.1: nothing is rarer than the threshold.
    [InlineData(0.1, new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    public void FactorsAreTheMaximumOverTheImagesClassesByHand(double threshold, int[] copies)
    {
        var factors = RepeatFactors.Compute(Expected, 3, threshold);
        double Road = Math.Max(1, Math.Sqrt(threshold / 0.9)), Person = Math.Max(1, Math.Sqrt(threshold / 0.5)), Car = Math.Max(1, Math.Sqrt(threshold / 0.1));
        Support.Tensors.AllClose([.. Enumerable.Repeat(Math.Max(Road, Person), 5), Road, Road, Road, 1, Math.Max(Road, Car)], factors, 1e-15);
        var indices = RepeatFactors.Indices(factors);
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(i => Enumerable.Repeat(i, copies[i])), indices);
        Assert.Throws<ArgumentOutOfRangeException>(() => RepeatFactors.Compute(Expected, 3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RepeatFactors.Compute(Expected, 3, 1.5));
    }

    [Fact]
    public async Task AnEpochHoldsEachImageItsNumberOfTimesInAnOrderFixedBySeedAndEpoch()
    {
        var root = await WriteTree();
        var config = ConfigLoader.Load(null, ["data.kind=folder", $"data.root={root}", "data.repeat_threshold=1", "data.batch_size=1",
            "data.crop_width=8", "data.crop_height=8"]);
        var train = new FolderDataset(root, "train");
        var samples = SegmentationExperiment.RepeatedSamples(config, train)!;
        Assert.Equal(RepeatFactors.Indices(RepeatFactors.Compute(Expected, 3, 1.0)), samples);
        var batches = SegmentationExperiment.TrainBatches(config, train);
        Assert.Equal(21, batches.BatchesPerEpoch); // 8 × 2 + 1 + 4

        string[] Ids(int epoch) => batches.Epoch(epoch, 0, CancellationToken.None).Select(b => b.Ids[0]).ToArray();
        var first = Ids(0);
        Assert.Equal(4, first.Count(id => id.Contains("img9")));
        Assert.Single(first, id => id.Contains("img8"));
        Assert.Equal(2, first.Count(id => id.Contains("img3")));
        Assert.Equal(first, Ids(0));
        Assert.NotEqual(first, Ids(1));
        Assert.Equal(first.Order(), Ids(1).Order());

        Assert.Null(SegmentationExperiment.RepeatedSamples(config with { Data = config.Data with { RepeatFactor = new() } }, train));
    }

    [Theory]
    [InlineData("data.repeat_threshold=0")]
    [InlineData("data.repeat_threshold=1.5")]
    [InlineData("data.repeat_threshold=-0.1")]
    public void AThresholdOutsideZeroToOneIsAConfigErrorNamingTheKey(string assignment)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, [assignment]));
        Assert.Contains("data.repeat_threshold", e.Message);
    }

    [Fact]
    public void TheThresholdIsReadOnlyBySegmentationTraining()
    {
        Assert.Equal(0.01, ConfigLoader.Load(null, ["data.repeat_threshold=0.01"]).Data.RepeatFactor.Threshold);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["data.kind=fashion_mnist_lt", "model.architecture=small_cnn", "data.repeat_threshold=0.01"]));
        Assert.Contains("data.repeat_threshold = 0.01 has no effect here", e.Message);
        Assert.Contains("data.sampler", e.Message);
    }
}
