using System.Diagnostics;
using RecallKit.Vision.Data.Synthetic;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

/// <summary>compare: finished runs are skipped, a half-finished one resumes; the real demo command end to end on tiny data.</summary>
[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class ComparisonRunnerTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-compare-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private ComparisonConfig Comparison(int iterations = 8)
    {
        var file = Path.Combine(dir, "comparison.json");
        File.WriteAllText(file, $$"""
            {
              "output": "{{Path.Combine(dir, "runs")}}",
              "seeds": [3],
              "base": {
                "data": { "kind": "synthetic", "root": "{{Path.Combine(dir, "data")}}", "synthetic_train": 8, "synthetic_val": 2,
                          "crop_width": 64, "crop_height": 32, "batch_size": 4 },
                "schedule": { "iterations": {{iterations}}, "eval_every": 4, "log_every": 2, "checkpoint_every": 2 }
              },
              "variants": [ { "name": "ce", "set": ["loss.kind=cross_entropy"] }, { "name": "recall", "set": ["loss.kind=recall"] } ]
            }
            """);
        return ComparisonConfig.Load(file);
    }

    [Fact]
    public void FinishedRunsAreSkippedAndAHalfFinishedOneResumes()
    {
        var comparison = Comparison();
        using (var cancel = new CancellationTokenSource())
        {
            int steps = 0;
            // cancel in the middle of the second variant (8 steps each)
            var progress = new Classification.SynchronousProgress(_ => { if (++steps == 13) cancel.Cancel(); });
            Assert.Null(ComparisonRunner.Run(comparison, TextWriter.Null, cancellation: cancel.Token, progress: progress));
        }
        var ce = Path.Combine(dir, "runs", "ce", "seed-3");
        Assert.True(File.Exists(Path.Combine(ce, "metrics.json")));
        Assert.False(File.Exists(Path.Combine(dir, "runs", "recall", "seed-3", "metrics.json")));
        var ceCheckpoint = File.GetLastWriteTimeUtc(Path.Combine(ce, "last.ckpt"));

        var log = new StringWriter();
        var markdown = ComparisonRunner.Run(comparison, log);
        Assert.NotNull(markdown);
        Assert.Contains("[ce seed 3] finished earlier, skipped", log.ToString());
        Assert.Contains("resuming", log.ToString());
        Assert.Contains("at step 5", log.ToString()); // cancelled after step 5 of the recall run, which wrote a checkpoint there
        Assert.Equal(ceCheckpoint, File.GetLastWriteTimeUtc(Path.Combine(ce, "last.ckpt")));
        Assert.Contains("| ce ", markdown);
        Assert.Contains("| recall ", markdown);

        // the resumed recall run equals an uninterrupted one
        var straight = comparison.For(comparison.Variants[1], 3) with { Output = Path.Combine(dir, "straight") };
        Experiment.Train(straight, resume: false, TextWriter.Null);
        Assert.Equal(Support.CheckpointFile.Bytes(Path.Combine(dir, "straight", "last.ckpt"), "model"),
            Support.CheckpointFile.Bytes(Path.Combine(dir, "runs", "recall", "seed-3", "last.ckpt"), "model"));
    }

    [Fact]
    public void FinishedRunsAreNotReusedForAComparisonThatNowAsksForOtherSettings()
    {
        var comparison = Comparison(iterations: 2);
        Assert.NotNull(ComparisonRunner.Run(comparison, TextWriter.Null));
        var ce = Path.Combine(dir, "runs", "ce", "seed-3");
        var before = File.ReadAllBytes(Path.Combine(ce, "metrics.json"));
        var otherData = Path.Combine(dir, "other-data");

        var e = Assert.Throws<RecallKit.Vision.Configuration.ConfigException>(() => ComparisonRunner.Run(comparison, TextWriter.Null,
            ["optimizer.learning_rate=0.1", $"data.root={otherData}"]));
        Assert.Contains("ce/seed-3 (finished)", e.Message);
        Assert.Contains("recall/seed-3 (finished)", e.Message);
        Assert.Contains("optimizer.learning_rate: 0.002 → 0.1", e.Message);
        Assert.Contains($"data.root: \"{Path.Combine(dir, "data")}\" → \"{otherData}\"", e.Message);
        Assert.Contains("--rerun", e.Message);
        Assert.Contains("output", e.Message);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(ce, "metrics.json"))); // nothing on disk touched
        Assert.False(Directory.Exists(otherData));

        // keys that change neither weights nor metrics are no reason to retrain
        var log = new StringWriter();
        Assert.NotNull(ComparisonRunner.Run(comparison, log, ["schedule.log_every=1", "threads=1", "data.eval_batch_size=1"]));
        Assert.Contains("[ce seed 3] finished earlier, skipped", log.ToString());

        // --rerun retrains exactly the runs whose settings changed
        log = new StringWriter();
        Assert.NotNull(ComparisonRunner.Run(comparison, log, ["optimizer.learning_rate=0.1"], rerun: true));
        Assert.DoesNotContain("finished earlier", log.ToString());
        var saved = RecallKit.Vision.Configuration.ConfigLoader.FromJson(File.ReadAllText(Path.Combine(ce, "config.json")));
        Assert.Equal(0.1, saved.Optimizer.LearningRate, 12);
        log = new StringWriter();
        Assert.NotNull(ComparisonRunner.Run(comparison, log, ["optimizer.learning_rate=0.1"], rerun: true));
        Assert.Contains("[ce seed 3] finished earlier, skipped", log.ToString()); // now they match: nothing to retrain
    }

    [Fact]
    public void AHalfFinishedRunWithOtherSettingsIsRefusedBeforeAnythingTrains()
    {
        var comparison = Comparison();
        using (var cancel = new CancellationTokenSource())
        {
            int steps = 0;
            var progress = new Classification.SynchronousProgress(_ => { if (++steps == 3) cancel.Cancel(); });
            Assert.Null(ComparisonRunner.Run(comparison, TextWriter.Null, cancellation: cancel.Token, progress: progress));
        }
        var e = Assert.Throws<RecallKit.Vision.Configuration.ConfigException>(() => ComparisonRunner.Run(comparison, TextWriter.Null, ["optimizer.learning_rate=0.05"]));
        Assert.Contains("ce/seed-3 (stopped at a checkpoint)", e.Message);
        Assert.False(Directory.Exists(Path.Combine(dir, "runs", "recall"))); // refused before the next variant started
    }

    [Fact]
    public void SetOutputMovesTheWholeComparisonAndSeedCannotBeSet()
    {
        var comparison = Comparison(iterations: 2);
        var elsewhere = Path.Combine(dir, "elsewhere");
        var (moved, overrides) = comparison.WithOverrides([$"output={elsewhere}", "optimizer.learning_rate=0.02"]);
        Assert.Equal(elsewhere, moved.Output);
        Assert.Equal(["optimizer.learning_rate=0.02"], overrides);
        Assert.Equal(Path.Combine(elsewhere, "ce", "seed-3"), moved.For(moved.Variants[0], 3, overrides).Output);
        Assert.Contains("seeds", Assert.Throws<RecallKit.Vision.Configuration.ConfigException>(() => comparison.WithOverrides(["seed=4"])).Message);
    }

    [Fact]
    public void TheReportShowsOnlyTheRunsOfThisComparison()
    {
        var comparison = Comparison(iterations: 2);
        Assert.NotNull(ComparisonRunner.Run(comparison, TextWriter.Null));
        // a variant dropped from the comparison file since, still on disk
        Directory.Move(Path.Combine(dir, "runs", "recall"), Path.Combine(dir, "runs", "old-variant"));
        var only = comparison with { Variants = [comparison.Variants[0]] };
        var markdown = ComparisonRunner.Run(only, TextWriter.Null)!;
        Assert.Contains("| ce ", markdown);
        Assert.DoesNotContain("old-variant |", markdown);
        Assert.Contains("not part of this comparison", markdown);
    }

    [Fact]
    public async Task TheDemoCommandRunsEndToEndOnATinyConfiguration()
    {
        var data = Path.Combine(dir, "scenes");
        SyntheticScenes.Generate(data, 8, 2, 192, 96, seed: 7);
        var output = Path.Combine(dir, "demo");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Support.CliProcess.Assembly(), "demo", "--iterations", "3", "--data", data, "--output", output })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");
        foreach (var variant in new[] { "ce", "recall", "class-balanced" })
            Assert.True(File.Exists(Path.Combine(output, variant, "seed-0", "metrics.json")), variant);
        var report = File.ReadAllText(Path.Combine(output, "report.md"));
        Assert.Contains("| class-balanced ", report);
        Assert.Contains("| recall ", stdout); // the table is printed too
        Assert.True(File.Exists(Path.Combine(output, "figures", "precision_recall.png")));
    }
}
