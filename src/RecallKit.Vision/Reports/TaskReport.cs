using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Reports;

/// <summary>
/// What a comparison report shows differently per task, chosen once from the task of the runs: the paper-style table, the
/// metrics compared with cross-entropy, the validation curves and the wording. Each task slice has one
/// (<c>IVisionTask.Report</c>); whoever writes a report passes the resolver (<c>Experiments/VisionTasks.Report</c>).
/// </summary>
public abstract class TaskReport
{
    /// <summary>What the task counts per class: "pixels" or "images".</summary>
    public abstract string CountedUnit { get; }

    /// <summary>Title of the figure of the validation metrics during training.</summary>
    public abstract string ValidationTitle { get; }

    /// <summary>The metrics compared with the cross-entropy baseline, as (column name, CSV key, value in % points).</summary>
    public abstract IReadOnlyList<(string Name, string Key, Func<RunResults, double> Metric)> PairedMetrics { get; }

    /// <summary>The sentence of the report's introduction that says what the table's columns hold.</summary>
    public abstract string TableNote { get; }

    /// <summary>Whether a cross-entropy run with this model is the baseline of the comparison.</summary>
    public abstract bool IsBaselineModel(ModelConfig model);

    /// <summary>
    /// The eval-log columns drawn in the validation figure, as (legend name, column); each variant draws them in its own colour,
    /// the first solid, the next dashed.
    /// </summary>
    public abstract IReadOnlyList<(string Name, string Column)> ValidationMetrics { get; }

    /// <summary>The paper-style table as Markdown (best in bold, second best in italics, per column).</summary>
    public abstract string Table(IReadOnlyList<VariantResults> variants);
}
