using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;
using RecallKit.Vision.Segmentation;

namespace RecallKit.Vision.Reports;

/// <summary>
/// What a comparison report shows differently per task, chosen once from the task of the runs: the paper-style table, the
/// metrics compared with cross-entropy, the validation curves and the wording.
/// </summary>
public abstract class TaskReport
{
    private static readonly TaskReport SegmentationReport = new SegmentationReport();
    private static readonly TaskReport ClassificationReport = new ClassificationReport();

    /// <summary>The report of <paramref name="task"/>.</summary>
    public static TaskReport For(TaskKind task) => task == TaskKind.Classification ? ClassificationReport : SegmentationReport;

    /// <summary>The report of the variants' task (that of the first run).</summary>
    public static TaskReport Of(IReadOnlyList<VariantResults> variants) => For(variants[0].Runs[0].Task);

    /// <summary>How the class order of the per-class figures is measured, e.g. "pixel frequency".</summary>
    public abstract string Frequency { get; }

    /// <summary>Title of the figure of the validation metrics during training.</summary>
    public abstract string ValidationTitle { get; }

    /// <summary>The metrics compared with the cross-entropy baseline, as (column name, CSV key, value in % points).</summary>
    public abstract IReadOnlyList<(string Name, string Key, Func<RunResults, double> Metric)> PairedMetrics { get; }

    /// <summary>The sentence of the report's introduction that says what the table's columns hold.</summary>
    public abstract string TableNote { get; }

    /// <summary>Whether a cross-entropy run with this model is the baseline of the comparison.</summary>
    public abstract bool IsBaselineModel(ModelConfig model);

    /// <summary>The validation curves of a variant's first run, in %.</summary>
    public abstract IEnumerable<(string Name, double[] Steps, double[] Values)> ValidationSeries(VariantResults variant);

    /// <summary>The paper-style table as Markdown (best in bold, second best in italics, per column).</summary>
    public abstract string Table(IReadOnlyList<VariantResults> variants);

    /// <summary>A column of a variant's first run's eval log, in %.</summary>
    private protected static double[] Percent(VariantResults variant, string column) =>
        variant.Runs[0].EvalLog.Column(column).Select(x => 100 * x).ToArray();
}
