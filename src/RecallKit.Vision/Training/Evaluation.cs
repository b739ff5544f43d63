using RecallKit.Metrics;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;

namespace RecallKit.Vision.Training;

/// <summary>
/// The result of evaluating a model on a split: the confusion-count metrics, and the named fields its task logs
/// (the segmentation and classification evaluations in their task folders).
/// </summary>
/// <param name="Metrics">Per-class accuracy, precision, IoU and their means (classification: with many/medium/few groups).</param>
public abstract record Evaluation(ConfusionMetrics Metrics)
{
    /// <summary>
    /// The evaluation log's columns of this evaluation's task, the names of <see cref="Values"/>. New columns go at the end: a
    /// log written before them is then a prefix (<see cref="CsvLog"/> keeps its rows on resume) and readers look columns up by name.
    /// </summary>
    public abstract IReadOnlyList<string> ValueNames { get; }

    /// <summary>Values in the order of <see cref="ValueNames"/>.</summary>
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

    /// <summary>The metrics.json record of this evaluation after step <paramref name="step"/>; a task adds its own fields.</summary>
    public virtual MetricsRecord ToRecord(int step, DatasetClasses classes) => MetricsRecord.Common(step, classes, Metrics, training_counts: null);
}
