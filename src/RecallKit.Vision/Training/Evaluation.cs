using RecallKit.Metrics;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Training;

/// <summary>
/// The result of evaluating a model on a split: the confusion-count metrics, and the named fields its task logs
/// (<see cref="SegmentationEvaluation"/>, <see cref="ClassificationEvaluation"/>).
/// </summary>
/// <param name="Metrics">Per-class accuracy, precision, IoU and their means (classification: with many/medium/few groups).</param>
public abstract record Evaluation(ConfusionMetrics Metrics)
{
    /// <summary>Segmentation or classification.</summary>
    public abstract TaskKind Task { get; }

    /// <summary>
    /// The columns of the evaluation log for <paramref name="task"/> (known before any evaluation, for the log's header). New
    /// columns go at the end: a log written before them is then a prefix (<see cref="CsvLog"/> keeps its rows on resume) and
    /// readers look columns up by name.
    /// </summary>
    public static IReadOnlyList<string> Columns(TaskKind task) =>
        task == TaskKind.Segmentation ? SegmentationEvaluation.ColumnNames : ClassificationEvaluation.ColumnNames;

    /// <summary>The evaluation log's columns of this evaluation's task, the names of <see cref="Values"/>.</summary>
    public abstract IReadOnlyList<string> ValueNames { get; }

    /// <summary>Values in the order of <see cref="Columns"/>.</summary>
    public abstract double[] Values { get; }

    /// <summary>The metric that picks the best checkpoint: mIoU for segmentation, top-1 accuracy for classification.</summary>
    public abstract double Selection { get; }

    /// <summary>Name of <see cref="Selection"/>.</summary>
    public abstract string SelectionName { get; }

    /// <summary>One line for the console.</summary>
    public abstract string Summary { get; }

    /// <summary>The line under the per-class table of <c>recallkit eval</c>: every summary metric of the task.</summary>
    public abstract string FullSummary { get; }

    /// <summary>What the per-class ground-truth counts count: pixels or images.</summary>
    public abstract string CountedUnit { get; }
}
