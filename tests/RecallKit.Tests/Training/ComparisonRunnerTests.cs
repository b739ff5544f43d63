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

    private ComparisonConfig Comparison()
    {
        var file = Path.Combine(dir, "comparison.json");
        File.WriteAllText(file, $$"""
            {
              "output": "{{Path.Combine(dir, "runs")}}",
              "seeds": [3],
              "base": {
                "data": { "kind": "synthetic", "root": "{{Path.Combine(dir, "data")}}", "synthetic_train": 8, "synthetic_val": 2,
                          "crop_width": 64, "crop_height": 32, "batch_size": 4 },
                "schedule": { "iterations": 8, "eval_every": 4, "log_every": 2, "checkpoint_every": 2 }
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
