using RecallKit.Metrics;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Classification;
using RecallKit.Vision.Models;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using RecallKit.Vision;

namespace RecallKit.Tests.Training;

public sealed class EvaluationTests
{
    private static readonly ConfusionMetrics Metrics = ConfusionMetrics.FromMatrix(new long[,] { { 6, 2, 0 }, { 1, 3, 1 }, { 0, 1, 4 } }, training_counts: [300, 40, 5]);

    [Fact]
    public void SegmentationLogsItsNamedFieldsUnderTheColumnsItAlwaysHad()
    {
        var e = new SegmentationEvaluation(Metrics);
        Assert.Equal(["overall_accuracy", "mean_accuracy", "mean_iou", "mean_precision", "mean_dice", "mean_fscore"], VisionTasks.For(TaskKind.Segmentation).EvaluationColumns);
        Assert.Equal([e.OverallAccuracy, e.MeanAccuracy, e.MeanIoU, e.MeanPrecision, e.MeanDice, e.MeanFscore], e.Values);
        Assert.Equal([Metrics.OverallAccuracy, Metrics.MeanAccuracy, Metrics.MeanIoU, Metrics.MeanPrecision, Metrics.MeanDice, Metrics.MeanFscore], e.Values);
        Assert.Equal((Metrics.MeanIoU, "mIoU"), (e.Selection, e.SelectionName));
        Assert.Equal($"mAcc {100 * Metrics.MeanAccuracy:F2}  mIoU {100 * Metrics.MeanIoU:F2}  OA {100 * Metrics.OverallAccuracy:F2}", e.Summary);
        Assert.Equal(VisionTasks.For(TaskKind.Segmentation).EvaluationColumns, e.ValueNames);
    }

    [Fact]
    public void ClassificationLogsItsNamedFieldsUnderTheColumnsItAlwaysHad()
    {
        var e = new ClassificationEvaluation(Metrics, Top5: 0.9, TrainingCounts: [300, 40, 5]);
        Assert.Equal(["top1", "top5", "mean_accuracy", "many_shot", "medium_shot", "few_shot", "mean_precision"], VisionTasks.For(TaskKind.Classification).EvaluationColumns);
        var groups = Metrics.LongTail!;
        Assert.Equal([Metrics.OverallAccuracy, 0.9, Metrics.MeanAccuracy, groups.Many, groups.Medium, groups.Few, Metrics.MeanPrecision], e.Values);
        Assert.Equal((Metrics.OverallAccuracy, "top-1"), (e.Selection, e.SelectionName));
        Assert.StartsWith($"top-1 {100 * Metrics.OverallAccuracy:F2}  top-5 90.00  many ", e.Summary);
        Assert.Equal(VisionTasks.For(TaskKind.Classification).EvaluationColumns, e.ValueNames);
    }

    [Fact]
    public void TheEvalCommandsLinesNameTheCountedUnitAndEverySummaryMetric()
    {
        var segmentation = new SegmentationEvaluation(Metrics);
        Assert.Equal("pixels", segmentation.CountedUnit);
        Assert.Equal($"OA {100 * Metrics.OverallAccuracy:F2}  mAcc {100 * Metrics.MeanAccuracy:F2}  mIoU {100 * Metrics.MeanIoU:F2}  " +
                     $"fwIoU {100 * Metrics.FrequencyWeightedIoU:F2}  mDice {100 * Metrics.MeanDice:F2}  mFscore {100 * Metrics.MeanFscore:F2}", segmentation.FullSummary);
        var classification = new ClassificationEvaluation(Metrics, Top5: 0.9, TrainingCounts: [300, 40, 5]);
        Assert.Equal("images", classification.CountedUnit);
        Assert.Equal($"{classification.Summary}  mean per-class accuracy {100 * Metrics.MeanAccuracy:F2}", classification.FullSummary);
    }

    [Fact]
    public void WithoutTrainingCountsTheShotGroupsAreNaNAndShownAsADash()
    {
        var e = new ClassificationEvaluation(ConfusionMetrics.FromMatrix(new long[,] { { 1, 0 }, { 0, 1 } }), Top5: 1);
        Assert.True(double.IsNaN(e.ManyShot) && double.IsNaN(e.MediumShot) && double.IsNaN(e.FewShot));
        Assert.EndsWith("many –  medium –  few –", e.Summary);
    }
}
