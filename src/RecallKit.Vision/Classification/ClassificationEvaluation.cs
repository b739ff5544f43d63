using RecallKit.Metrics;
using RecallKit.Vision.Data;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Classification;

/// <summary>
/// The evaluation of a classifier: top-1 and top-5 accuracy, mean per-class accuracy and the many/medium/few-shot groups; the
/// best checkpoint is picked by top-1.
/// </summary>
/// <param name="Metrics">Confusion-count metrics over the images (with long-tail groups when training counts are known).</param>
/// <param name="Top5">Fraction of images whose class is among the 5 highest logits (NaN without images).</param>
/// <param name="TrainingCounts">Training samples per class (the many/medium/few grouping), when known.</param>
public sealed record ClassificationEvaluation(ConfusionMetrics Metrics, double Top5, IReadOnlyList<long>? TrainingCounts = null) : Evaluation(Metrics)
{
    private static readonly EvaluationColumns<ClassificationEvaluation> Log = new([
        ("top1", e => e.Top1),
        ("top5", e => e.Top5),
        ("mean_accuracy", e => e.MeanAccuracy),
        ("many_shot", e => e.ManyShot),
        ("medium_shot", e => e.MediumShot),
        ("few_shot", e => e.FewShot),
        ("mean_precision", e => e.MeanPrecision),
    ]);

    /// <summary>The eval_log.csv columns of a classification run.</summary>
    public static IReadOnlyList<string> ColumnNames => Log.Names;

    /// <summary>Fraction of images classified correctly.</summary>
    public double Top1 => Metrics.OverallAccuracy;

    /// <summary>Mean per-class accuracy.</summary>
    public double MeanAccuracy => Metrics.MeanAccuracy;

    /// <summary>Mean accuracy of the classes with many training samples (NaN without training counts).</summary>
    public double ManyShot => Metrics.LongTail?.Many ?? double.NaN;

    /// <summary>Mean accuracy of the classes with a medium number of training samples (NaN without training counts).</summary>
    public double MediumShot => Metrics.LongTail?.Medium ?? double.NaN;

    /// <summary>Mean accuracy of the classes with few training samples (NaN without training counts).</summary>
    public double FewShot => Metrics.LongTail?.Few ?? double.NaN;

    /// <summary>Mean per-class precision.</summary>
    public double MeanPrecision => Metrics.MeanPrecision;

    /// <inheritdoc />
    public override MetricsRecord ToRecord(int step, DatasetClasses classes) => MetricsRecord.Common(step, classes, Metrics, TrainingCounts) with
    {
        Top1 = MetricsRecord.Defined(Top1), Top5 = MetricsRecord.Defined(Top5), ManyShot = MetricsRecord.Defined(ManyShot),
        MediumShot = MetricsRecord.Defined(MediumShot), FewShot = MetricsRecord.Defined(FewShot),
    };

    /// <inheritdoc />
    public override IReadOnlyList<string> ValueNames => Log.Names;

    /// <inheritdoc />
    public override double[] Values => Log.ValuesOf(this);

    /// <inheritdoc />
    public override double Selection => Top1;

    /// <inheritdoc />
    public override string SelectionName => "top-1";

    /// <inheritdoc />
    public override string Summary =>
        $"top-1 {100 * Top1:F2}  top-5 {100 * Top5:F2}  many {Percent(ManyShot)}  medium {Percent(MediumShot)}  few {Percent(FewShot)}";

    /// <inheritdoc />
    public override string FullSummary => $"{Summary}  mean per-class accuracy {100 * MeanAccuracy:F2}";

    /// <inheritdoc />
    public override string CountedUnit => Unit;

    /// <summary>What classification counts per class.</summary>
    public const string Unit = "images";

    private static string Percent(double value) => double.IsFinite(value) ? $"{100 * value:F2}" : "–";
}
