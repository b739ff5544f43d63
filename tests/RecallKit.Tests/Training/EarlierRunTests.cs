using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Tasks;

namespace RecallKit.Tests.Training;

/// <summary>
/// Which runs on disk a comparison may reuse: the same settings (τ chosen by a τ-norm sweep counts as asked for), not a
/// stopped run asked to train for another length, not a run started from a checkpoint rewritten since or retrained now.
/// </summary>
public sealed class EarlierRunTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-earlier-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A run directory as the trainer leaves it: config.json, and metrics.json (finished) or last.ckpt (stopped).</summary>
    private string Run(string name, TrainConfig config, bool finished)
    {
        var run = Path.Combine(dir, name);
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "config.json"), ConfigLoader.ToJson(config));
        File.WriteAllText(Path.Combine(run, finished ? "metrics.json" : "last.ckpt"), "{}");
        return run;
    }

    private string Checkpoint(string name)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "weights");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(-10));
        return path;
    }

    [Fact]
    public void ATauNormRunWhoseSweepChoseTauIsTheRunAComparisonAsksFor()
    {
        var start = Checkpoint("ce/last.ckpt");
        var requested = ConfigLoader.Load(null, ["data.kind=fashion_mnist_lt", "model.architecture=small_cnn", "model.stage=tau_norm", $"model.init_from={start}"]);
        var run = Run("tau", requested with { Model = requested.Model with { Tau = 1.2 } }, finished: true); // what TauNormalization records
        Assert.Null(EarlierRun.Conflict("tau/seed-0", run, requested));
        var fixedTau = requested with { Model = requested.Model with { Tau = 0.8 } }; // a fixed τ that differs is another run
        Assert.Contains("model.tau: 1.2 → 0.8", Assert.Single(EarlierRun.Conflict("tau/seed-0", run, fixedTau)!.Differences));
    }

    [Fact]
    public void AStoppedRunAskedToTrainForAnotherLengthIsNotResumed()
    {
        var saved = ConfigLoader.Load(null, ["schedule.iterations=100"]);
        var run = Run("stopped", saved, finished: false);
        Assert.Null(EarlierRun.Conflict("ce/seed-0", run, saved with { Threads = 1 }));
        var conflict = EarlierRun.Conflict("ce/seed-0", run, ConfigLoader.Load(null, ["schedule.iterations=200"]));
        Assert.False(conflict!.Finished);
        Assert.Equal(["schedule.iterations: 100 → 200"], conflict.Differences);
    }

    [Fact]
    public void ARunStartedFromACheckpointRewrittenSinceOrRetrainedNowConflicts()
    {
        var start = Checkpoint("ce/seed-0/last.ckpt");
        var crt = ConfigLoader.Load(null, ["data.kind=fashion_mnist_lt", "model.architecture=small_cnn", "model.stage=crt", $"model.init_from={start}"]);
        var run = Run("crt/seed-0", crt, finished: true);
        Assert.Null(EarlierRun.Conflict("crt/seed-0", run, crt));
        File.SetLastWriteTimeUtc(start, DateTime.UtcNow.AddMinutes(5)); // ce trained again after crt started from it
        Assert.Contains("was written after this run started", Assert.Single(EarlierRun.Conflict("crt/seed-0", run, crt)!.Differences));

        File.SetLastWriteTimeUtc(start, DateTime.UtcNow.AddMinutes(-10));
        var ce = new EarlierRun("ce/seed-0", Path.Combine(dir, "ce", "seed-0"), true, ["optimizer.learning_rate: 0.002 → 0.1"]);
        var dependent = Assert.Single(EarlierRun.Dependents([ce], [("crt/seed-0", run, crt), ("ce/seed-0", ce.Directory, crt)]));
        Assert.Equal("crt/seed-0", dependent.Name);
        Assert.Contains("whose run is trained again", dependent.Differences[0]);
    }

    [Fact]
    public void AFinishedRunWhoseLabelFilesChangedSinceIsNotReused()
    {
        var data = Path.Combine(dir, "scenes");
        RecallKit.Vision.Data.Synthetic.SyntheticScenes.Generate(data, 3, 2, 64, 32, seed: 1);
        var config = ConfigLoader.Load(null, ["data.kind=folder", $"data.root={data}"]);
        string? Fingerprint(TrainConfig c) => SegmentationExperiment.DataFingerprint(
            ConfiguredData.Segmentation(c.Data, c.Data.TrainSplit), ConfiguredData.Segmentation(c.Data, c.Data.ValSplit));
        var run = Run("ce/seed-0", config, finished: true);
        File.WriteAllText(Path.Combine(run, "data_fingerprint.txt"), Fingerprint(config));
        Assert.Null(EarlierRun.Conflict("ce/seed-0", run, config, Fingerprint));

        var label = Directory.GetFiles(Path.Combine(data, "labels", "train")).Order().ElementAt(1); // neither first nor last
        File.SetLastWriteTimeUtc(label, File.GetLastWriteTimeUtc(label).AddSeconds(30));
        var conflict = EarlierRun.Conflict("ce/seed-0", run, config, Fingerprint);
        Assert.Contains("data: label files under", Assert.Single(conflict!.Differences));
    }
}
