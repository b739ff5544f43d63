using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Prefetch;
using RecallKit.Vision.Data.Synthetic;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp;

namespace RecallKit.Tests.Data;

/// <summary>The data worker process (the real <c>recallkit data-worker</c>) serves exactly the batches the training process would compute.</summary>
public sealed class WorkerBatchesTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-worker-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private TrainConfig Config() => new()
    {
        Data = new DataConfig
        {
            Kind = DatasetKind.Folder, Root = Path.Combine(dir, "data"), BatchSize = 3,
            Segmentation = new() { CropWidth = 32, CropHeight = 16, ScaleMin = 0.8, ScaleMax = 1.2 },
        },
        Seed = 4,
    };

    private static ProcessStartInfo Launcher(TrainConfig config)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        info.ArgumentList.Add(Support.CliProcess.Assembly());
        info.ArgumentList.Add("data-worker");
        return info;
    }

    private static void AssertSame(IEnumerable<ImageBatch> expected, IEnumerable<ImageBatch> actual)
    {
        var e = expected.ToList();
        var a = actual.ToList();
        Assert.Equal(e.Count, a.Count);
        for (int i = 0; i < e.Count; i++)
        {
            Assert.Equal(e[i].Ids, a[i].Ids);
            Assert.Equal(e[i].Images, a[i].Images);
            Assert.Equal(e[i].Labels, a[i].Labels);
            Assert.Equal((e[i].Count, e[i].Height, e[i].Width, e[i].Channels, e[i].ImageLabels), (a[i].Count, a[i].Height, a[i].Width, a[i].Channels, a[i].ImageLabels));
        }
    }

    [Fact]
    public void WorkerBatchesEqualLocalBatchesForAnyEpochAndStartAndSurviveAbandonedEpochs()
    {
        SyntheticScenes.Generate(Path.Combine(dir, "data"), 10, 2, 48, 24, seed: 3);
        var config = Config();
        var local = SegmentationExperiment.TrainBatches(config, ConfiguredData.Segmentation(config.Data, "train", TextWriter.Null));
        using var worker = DataPrefetch.For(config with { Data = config.Data with { Prefetch = PrefetchMode.On } }, local, Launcher)!;
        Assert.Equal(3, worker.BatchesPerEpoch);

        AssertSame(local.Epoch(0, 0, default), worker.Epoch(0, 0, default));
        AssertSame(local.Epoch(1, 1, default), worker.Epoch(1, 1, default));
        Assert.Single(worker.Epoch(2, 0, default).Take(1)); // abandoned mid-epoch: the worker is restarted for the next request
        AssertSame(local.Epoch(2, 0, default), worker.Epoch(2, 0, default));
    }

    [Fact]
    public void ABadFileInTheWorkerIsTheSameClearErrorAndSkippedFilesComeBack()
    {
        SyntheticScenes.Generate(Path.Combine(dir, "data"), 6, 2, 48, 24, seed: 3);
        var victim = Directory.GetFiles(Path.Combine(dir, "data", "images", "train")).Order(StringComparer.Ordinal).First();
        File.WriteAllBytes(victim, [1, 2, 3]);
        var config = Config();
        var local = SegmentationExperiment.TrainBatches(config, ConfiguredData.Segmentation(config.Data, "train", TextWriter.Null));
        using (var worker = new WorkerBatches(local, () => Launcher(config), DataPrefetch.Startup(config)))
        {
            var e = Assert.Throws<InvalidDataException>(() => worker.Epoch(0, 0, default).ToList());
            Assert.Contains(Path.GetFileName(victim), e.Message);
        }

        var skipping = config with { Data = config.Data with { SkipBadFiles = true } };
        var localSkipping = SegmentationExperiment.TrainBatches(skipping, ConfiguredData.Segmentation(skipping.Data, "train", TextWriter.Null));
        using var tolerant = new WorkerBatches(localSkipping, () => Launcher(skipping), DataPrefetch.Startup(skipping));
        AssertSame(localSkipping.Epoch(0, 0, default), tolerant.Epoch(0, 0, default));
        Assert.Contains(tolerant.SkippedFiles.Keys, k => k.Contains(Path.GetFileName(victim)));
    }

    [Fact]
    public void AnyNumberOfWorkersServesTheSameBatchesInTheSameOrder()
    {
        SyntheticScenes.Generate(Path.Combine(dir, "data"), 20, 2, 48, 24, seed: 5);
        var config = Config() with { Seed = 11 };
        var local = SegmentationExperiment.TrainBatches(config, ConfiguredData.Segmentation(config.Data, "train", TextWriter.Null));
        Assert.Equal(6, local.BatchesPerEpoch);
        using var one = DataPrefetch.For(config with { Data = config.Data with { Prefetch = PrefetchMode.On } }, local, Launcher)!;
        using var two = DataPrefetch.For(config with { Data = config.Data with { Prefetch = PrefetchMode.On, Workers = 2 } }, local, Launcher)!;
        using var four = new WorkerBatches(local, () => Launcher(config), DataPrefetch.Startup(config), workers: 4);
        Assert.Equal((1, 2, 4), (one.Workers, two.Workers, four.Workers));

        var fromOne = one.Epoch(0, 0, default).ToList();
        AssertSame(fromOne, two.Epoch(0, 0, default));
        AssertSame(local.Epoch(0, 0, default), fromOne);
        AssertSame(local.Epoch(1, 3, default), two.Epoch(1, 3, default)); // resumed mid-epoch: worker 1 starts at batch 3, worker 2 at 4
        AssertSame(local.Epoch(1, 3, default), four.Epoch(1, 3, default)); // three batches left for four workers
        AssertSame(local.Epoch(2, 6, default), two.Epoch(2, 6, default)); // nothing left
        Assert.Equal(3, two.Epoch(3, 0, default).Take(3).Count()); // abandoned mid-epoch: both workers restart for the next request
        AssertSame(one.Epoch(3, 0, default), two.Epoch(3, 0, default));
        Assert.NotEqual(fromOne[0].Ids, two.Epoch(1, 0, default).First().Ids); // a new order every epoch (the test can tell epochs apart)
    }

    [Fact]
    public void WithTwoWorkersABadFileIsTheSameClearErrorAndTheSameSkippedFiles()
    {
        SyntheticScenes.Generate(Path.Combine(dir, "data"), 12, 2, 48, 24, seed: 3);
        var files = Directory.GetFiles(Path.Combine(dir, "data", "images", "train")).Order(StringComparer.Ordinal).ToArray();
        File.WriteAllBytes(files[2], [1, 2, 3]);
        File.WriteAllBytes(files[7], [4, 5, 6]);
        var config = Config();
        var local = SegmentationExperiment.TrainBatches(config, ConfiguredData.Segmentation(config.Data, "train", TextWriter.Null));
        var expected = Assert.Throws<InvalidDataException>(() => local.Epoch(0, 0, default).ToList()); // the first bad batch's file
        using (var worker = new WorkerBatches(local, () => Launcher(config), DataPrefetch.Startup(config), workers: 2))
            Assert.Equal(Decoding(expected.Message), Decoding(Assert.Throws<InvalidDataException>(() => worker.Epoch(0, 0, default).ToList()).Message));

        var skipping = config with { Data = config.Data with { SkipBadFiles = true } };
        var localSkipping = SegmentationExperiment.TrainBatches(skipping, ConfiguredData.Segmentation(skipping.Data, "train", TextWriter.Null));
        using var tolerant = new WorkerBatches(localSkipping, () => Launcher(skipping), DataPrefetch.Startup(skipping), workers: 2);
        AssertSame(localSkipping.Epoch(0, 0, default), tolerant.Epoch(0, 0, default));
        Assert.Equal(localSkipping.SkippedFiles.Keys.Order(StringComparer.Ordinal), tolerant.SkippedFiles.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, tolerant.SkippedFiles.Count);
    }

    /// <summary>The message up to ImageSharp's list of decoders, whose order differs between processes.</summary>
    private static string Decoding(string message)
    {
        Assert.Contains("cannot decode", message);
        int list = message.IndexOf("Available decoders", StringComparison.Ordinal);
        return list < 0 ? message : message[..list];
    }

    [Fact]
    public void ZeroWorkersIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerBatches(new DatasetBatches(null!, 1, null, 0), () => Launcher(Config()), DataPrefetch.Startup(Config()), workers: 0));

    [Fact]
    public void AutoPrefetchesWithCudaOrSpareCoresOnly()
    {
        var config = Config();
        Assert.False(DataPrefetch.Enabled(config)); // threads = 0: libtorch uses every core
        Assert.True(DataPrefetch.Enabled(config with { Device = DeviceKind.Cuda }));
        Assert.Equal(Environment.ProcessorCount > 1, DataPrefetch.Enabled(config with { Threads = 1 }));
        Assert.False(DataPrefetch.Enabled(config with { Device = DeviceKind.Cuda, Data = config.Data with { Prefetch = PrefetchMode.Off } }));
        Assert.Null(DataPrefetch.For(config with { Data = config.Data with { Prefetch = PrefetchMode.On } }, new DatasetBatches(null!, 1, null, 0), null));
    }

    [Fact]
    public void AutoCountsTheThreadsOfEveryRankItIsGiven()
    {
        var oneThread = Config() with { Threads = 1 };
        int cores = Environment.ProcessorCount;
        Assert.Equal(cores > 1, DataPrefetch.Enabled(oneThread, ranks: 1));
        Assert.False(DataPrefetch.Enabled(oneThread, ranks: cores)); // the ranks' threads fill every core
        Assert.Equal(cores > 2, DataPrefetch.Enabled(oneThread, ranks: 2));
        // The in-process source loads the whole batch only when the worker prefetches, judged with the shard's ranks.
        var rank = new DataShard(1, cores);
        Assert.Equal(rank, DataPrefetch.LocalShard(oneThread, Launcher, rank));
        Assert.Equal(DataShard.Whole, DataPrefetch.LocalShard(oneThread with { Data = oneThread.Data with { Prefetch = PrefetchMode.On } }, Launcher, rank));
    }
}
