using System.Globalization;
using RecallKit.Losses;
using RecallKit.Tests.Training;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Reports;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using SixLabors.ImageSharp;

namespace RecallKit.Tests.Reports;

[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class ComparisonReportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-report-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private void Train(string variant, LossKind kind) => TinyTraining.FinishedRun(Path.Combine(dir, variant), kind);

    [Fact]
    public void WritesTableFiguresAndCsvThatMatchTheRuns()
    {
        Train("ce", LossKind.CrossEntropy);
        Train("recall", LossKind.Recall);
        Directory.CreateDirectory(Path.Combine(dir, "unfinished"));

        var markdown = ComparisonReport.Write(dir, VisionTasks.Report);

        foreach (var png in new[] { "class_accuracy.png", "class_iou.png", "precision_recall.png", "training_loss.png", "validation_miou.png", "class_weights_recall.png" })
        {
            using var image = Image.Load(Path.Combine(dir, "figures", png));
            Assert.True(image.Width >= 600 && image.Height >= 400, png);
            Assert.Contains($"figures/{png}", markdown);
        }
        Assert.False(File.Exists(Path.Combine(dir, "figures", "class_weights_ce.png")));
        Assert.Contains("unfinished: no finished run, skipped", markdown);
        // A second report over the same directory does not take the first one's figures/ for a variant.
        Assert.DoesNotContain("figures: no finished run", ComparisonReport.Write(dir, VisionTasks.Report));

        var ce = RunResults.Load(Path.Combine(dir, "ce"));
        var recall = RunResults.Load(Path.Combine(dir, "recall"));
        var rows = markdown.Split("## Paired differences")[0].Split('\n').Where(l => l.StartsWith("| ce ") || l.StartsWith("| recall ")).ToArray();
        Assert.Equal(2, rows.Length);
        string Cell(string row, int column) => row.Split('|')[column].Trim().Trim('*');
        Assert.Equal((100 * ce.MeanAccuracy).ToString("0.0"), Cell(rows[0], 2));
        Assert.Equal((100 * recall.MeanIoU).ToString("0.0"), Cell(rows[1], 3));
        var expectedDelta = 100 * (recall.MeanAccuracy - ce.MeanAccuracy); // percentage points, like Δ mIoU beside it
        Assert.Equal(expectedDelta.ToString("+0.0;-0.0;0.0"), Cell(rows[1], 4));
        Assert.Equal((100 * (recall.MeanIoU - ce.MeanIoU)).ToString("+0.0;-0.0;0.0"), Cell(rows[1], 5));
        Assert.Contains("| Δ mAcc vs CE (pts) | Δ mIoU vs CE (pts) |", markdown);
        Assert.True(double.IsFinite(recall.MeanDice) && double.IsFinite(recall.MeanFscore));
        Assert.Equal((100 * recall.MeanDice).ToString("0.0"), Cell(rows[1], 8));
        Assert.Equal((100 * ce.MeanFscore).ToString("0.0"), Cell(rows[0], 9));

        var paired = markdown.Split("## Paired differences")[1].Split('\n').Single(l => l.StartsWith("| recall "));
        Assert.Equal((100 * (recall.MeanIoU - ce.MeanIoU)).ToString("+0.0;-0.0;0.0"), paired.Split('|')[4].Trim()); // one seed: no interval
        Assert.Contains("no interval", markdown);

        var csv = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        Assert.Equal(3, csv.Length);
        Assert.Equal(recall.MeanIoU, double.Parse(csv[2].Split(',')[3], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void SeveralSeedsGiveMeanAndSampleStandardDeviation()
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            using var model = new PixelClassifier(3);
            using var loss = new RecallCrossEntropy(3, ignore_index: 255);
            var config = TinyTraining.Config(Path.Combine(dir, "recall", $"seed-{seed}"), 8, seed) with { Loss = new LossConfig { Kind = LossKind.Recall } };
            new Trainer(config, new SegmentationTask(model, loss, ColourCodedBatches.ClassNames), new ColourCodedBatches(24, 4, 6, 5, seed),
                new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null).Run(resume: false);
        }
        var markdown = ComparisonReport.Write(dir, VisionTasks.Report);
        var runs = new[] { 1, 2, 3 }.Select(s => RunResults.Load(Path.Combine(dir, "recall", $"seed-{s}"))).ToArray();
        var acc = runs.Select(r => 100 * r.MeanAccuracy).ToArray();
        double mean = acc.Average();
        double std = Math.Sqrt(acc.Sum(a => (a - mean) * (a - mean)) / 2); // sample standard deviation (n − 1)
        var row = markdown.Split('\n').Single(l => l.StartsWith("| recall "));
        Assert.Equal($"{mean:0.0} ± {std:0.0}", row.Split('|')[2].Trim().Trim('*'));
        Assert.Contains("seeds: 1, 2, 3", markdown);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "results.csv")).Length); // one row per seed
    }

    [Fact]
    public void EmptyOrMissingResultsDirectoryIsAClearError()
    {
        Assert.Contains("no finished run", Assert.Throws<InvalidDataException>(() => ComparisonReport.Write(dir, VisionTasks.Report)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => ComparisonReport.Write(Path.Combine(dir, "missing"), VisionTasks.Report));
    }
}
