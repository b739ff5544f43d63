using RecallKit.Vision.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Tests.Data;

/// <summary>
/// Loops that read user files in parallel report a bad file like the serial paths do: the clear message of the first bad
/// file in file order (whichever thread met a bad file first), never an AggregateException or a stack trace.
/// </summary>
public sealed class ParallelFileErrorTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-parallel-errors-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private const int Count = 48;

    /// <summary>A folder dataset of <see cref="Count"/> 16×8 pairs per split whose training labels at <paramref name="bad"/> are truncated.</summary>
    private string[] WriteDataset(params int[] bad)
    {
        FolderDataset.WriteDescription(dir, new DatasetClasses(["a", "b"], [(0, 0, 0), (200, 0, 0)], 255));
        var labels = new List<string>();
        foreach (var split in new[] { "train", "val" })
        {
            Directory.CreateDirectory(Path.Combine(dir, "images", split));
            Directory.CreateDirectory(Path.Combine(dir, "labels", split));
            for (int i = 0; i < (split == "train" ? Count : 2); i++)
            {
                var name = $"s{i:D3}.png";
                using (var image = new Image<Rgb24>(16, 8, new Rgb24((byte)i, 9, 9))) image.SaveAsPng(Path.Combine(dir, "images", split, name));
                var label = Path.Combine(dir, "labels", split, name);
                using (var mask = Image.LoadPixelData<L8>(Enumerable.Range(0, 128).Select(p => (byte)((p + i) % 2)).ToArray(), 16, 8)) mask.SaveAsPng(label);
                if (split == "train") labels.Add(label);
            }
        }
        foreach (var b in bad)
        {
            var bytes = File.ReadAllBytes(labels[b]);
            File.WriteAllBytes(labels[b], bytes[..(bytes.Length / 2)]);
        }
        return labels.ToArray();
    }

    [Fact]
    public void ClassCountsReportTheFirstBadLabelInFileOrder()
    {
        var labels = WriteDataset(11, 5, 40);
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var e = Assert.Throws<InvalidDataException>(() => TrainingSplitCounts.Compute(new FolderDataset(dir, "train")));
            Assert.Contains(labels[5], e.Message);
        }
    }

    [Fact]
    public async Task TrainingWithAFrequencyLossAndABadLabelExitsOneWithTheFileNamed()
    {
        var labels = WriteDataset(17);
        var (code, stdout, stderr) = await Support.CliProcess.RunAsync("train", "--set", "data.kind=folder", "--set", $"data.root={dir}",
            "--set", "loss.kind=inverse_frequency", "--set", "data.crop_width=16", "--set", "data.crop_height=8", "--set", "data.batch_size=2",
            "--set", "schedule.iterations=1", "--set", "data.prefetch=off", "--set", $"output={Path.Combine(dir, "run")}");
        Assert.True(code == 1, $"exit {code}: {stdout}{stderr}");
        Assert.Contains(labels[17], stderr);
        Assert.DoesNotContain("Unhandled", stderr);
        Assert.DoesNotContain("AggregateException", stderr);
        Assert.DoesNotContain("   at ", stderr); // no stack trace
    }

    [Fact]
    public void EvaluationBatchesReportTheFirstBadLabelOfTheBatchInFileOrder()
    {
        var labels = WriteDataset(29, 3, 12);
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var batches = new DatasetBatches(new FolderDataset(dir, "train"), Count, augmentation: null, seed: 0);
            var e = Assert.Throws<InvalidDataException>(() => batches.Epoch(0, 0, CancellationToken.None).First());
            Assert.Contains(labels[3], e.Message);
        }
    }

    [Fact]
    public void TheLowestFailingIndexWinsWhateverTheTiming()
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var e = Assert.Throws<InvalidDataException>(() => OrderedParallel.For(200, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            {
                Thread.SpinWait((200 - i) * 50); // later items finish first
                if (i % 37 == 36) throw new InvalidDataException($"item {i}");
            }));
            Assert.Equal("item 36", e.Message);
        }
        long sum = 0;
        OrderedParallel.For(100, new ParallelOptions(), () => 0L, (i, local) => local + i, local => sum += local);
        Assert.Equal(4950, sum);
    }

    [Fact]
    public void WithSkipBadFilesTheClassCountsLeaveOutTheBadLabelsAsTrainingDoes()
    {
        WriteDataset(11, 40);
        var all = TrainingSplitCounts.Compute(new FolderDataset(dir, "val"));
        Assert.Equal(2 * 128, all.Sum()); // 2 good 16×8 validation labels, every pixel labelled
        var counts = TrainingSplitCounts.Compute(new FolderDataset(dir, "train"), skip_bad_files: true);
        Assert.Equal((Count - 2) * 128, counts.Sum()); // two unreadable labels left out, as training leaves them out
        Assert.Throws<InvalidDataException>(() => TrainingSplitCounts.Compute(new FolderDataset(dir, "train")));
    }
}
