using System.Globalization;
using RecallKit.Tests.Support;
using RecallKit.Tests.Training;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Reports;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Docs;

/// <summary>samples/ReadRunMetrics on a run the trainer wrote.</summary>
[Collection(nameof(GlobalTorchState))]
public sealed class MetricsSampleTests() : TempDirectoryTest("recallkit-metrics-sample-")
{
    [Fact]
    public async Task TheMetricsSamplePrintsTheRunsNumbers()
    {
        var run = Path.Combine(dir, "recall");
        TinyTraining.FinishedRun(run, LossKind.Recall);
        var metrics = MetricsRecord.Read(Path.Combine(run, "metrics.json"));
        var log = CsvTable.Read(Path.Combine(run, "eval_log.csv"));

        var (code, stdout, stderr) = await SampleProgramTests.RunAsync("ReadRunMetrics", run);
        Assert.True(code == 0, stderr);
        static string Percent(double? v) => v is { } x ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) : "n/a";
        Assert.Contains($"after step {metrics.Step}: mAcc {Percent(metrics.MeanAccuracy)}  mIoU {Percent(metrics.MeanIou)}", stdout);
        foreach (var c in metrics.Classes)
            Assert.Contains($"{c.Name,-16} {Percent(c.Accuracy),8} {Percent(c.Precision),10} {Percent(c.Iou),5}", stdout);
        Assert.Contains($"{log.Count} evaluations;", stdout);
        var lines = stdout.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToList();
        Assert.Equal(log.Count, lines.Count);
        Assert.Equal($"step {log.Column("step")[^1]:F0}: mIoU {Percent(log.Column("mean_iou")[^1])}", lines[^1].TrimEnd());
        Assert.True(log.Count >= 1);

        // No arguments: usage and exit code 2, not a stack trace.
        (code, _, stderr) = await SampleProgramTests.RunAsync("ReadRunMetrics");
        Assert.Equal(2, code);
        Assert.Contains("usage: ReadRunMetrics RUN_DIR", stderr);
    }
}
