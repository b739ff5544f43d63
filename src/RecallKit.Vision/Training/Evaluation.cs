using RecallKit.Metrics;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Training;

/// <summary>The result of evaluating a model on a split: the confusion-count metrics and, for classification, top-5 accuracy.</summary>
/// <param name="Task">Segmentation or classification.</param>
/// <param name="Metrics">Per-class accuracy, precision, IoU and their means (classification: with many/medium/few groups).</param>
/// <param name="Top5">Classification: fraction of images whose class is among the 5 highest logits (NaN for segmentation).</param>
/// <param name="TrainingCounts">Classification: training samples per class (the many/medium/few grouping), when known.</param>
public sealed record Evaluation(TaskKind Task, ConfusionMetrics Metrics, double Top5 = double.NaN, IReadOnlyList<long>? TrainingCounts = null)
{
    /// <summary>
    /// The columns of the evaluation log for <paramref name="task"/>. New columns go at the end: a log written before them is
    /// then a prefix (<see cref="CsvLog"/> keeps its rows on resume) and readers look columns up by name.
    /// </summary>
    public static IReadOnlyList<string> Columns(TaskKind task) => task == TaskKind.Segmentation
        ? ["overall_accuracy", "mean_accuracy", "mean_iou", "mean_precision", "mean_dice", "mean_fscore"]
        : ["top1", "top5", "mean_accuracy", "many_shot", "medium_shot", "few_shot", "mean_precision"];

    /// <summary>Values in the order of <see cref="Columns"/>.</summary>
    public double[] Values => Task == TaskKind.Segmentation
        ? [Metrics.OverallAccuracy, Metrics.MeanAccuracy, Metrics.MeanIoU, Metrics.MeanPrecision, Metrics.MeanDice, Metrics.MeanFscore]
        : [Metrics.OverallAccuracy, Top5, Metrics.MeanAccuracy, Metrics.LongTail?.Many ?? double.NaN, Metrics.LongTail?.Medium ?? double.NaN,
            Metrics.LongTail?.Few ?? double.NaN, Metrics.MeanPrecision];

    /// <summary>The metric that picks the best checkpoint: mIoU for segmentation, top-1 accuracy for classification.</summary>
    public double Selection => Task == TaskKind.Segmentation ? Metrics.MeanIoU : Metrics.OverallAccuracy;

    /// <summary>Name of <see cref="Selection"/>.</summary>
    public string SelectionName => Task == TaskKind.Segmentation ? "mIoU" : "top-1";

    /// <summary>One line for the console.</summary>
    public string Summary => Task == TaskKind.Segmentation
        ? $"mAcc {100 * Metrics.MeanAccuracy:F2}  mIoU {100 * Metrics.MeanIoU:F2}  OA {100 * Metrics.OverallAccuracy:F2}"
        : $"top-1 {100 * Metrics.OverallAccuracy:F2}  top-5 {100 * Top5:F2}  many {Percent(Metrics.LongTail?.Many)}  medium {Percent(Metrics.LongTail?.Medium)}  few {Percent(Metrics.LongTail?.Few)}";

    private static string Percent(double? value) => value is { } v && double.IsFinite(v) ? $"{100 * v:F2}" : "–";
}
