using RecallKit.Metrics;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;

namespace RecallKit.Vision.Segmentation;

/// <summary>The evaluation of a segmentation model: pixel-count metrics; the best checkpoint is picked by mIoU.</summary>
/// <param name="Metrics">Confusion-count metrics over every labelled pixel.</param>
public sealed record SegmentationEvaluation(ConfusionMetrics Metrics) : Evaluation(Metrics)
{
    private static readonly EvaluationColumns<SegmentationEvaluation> Log = new([
        ("overall_accuracy", e => e.OverallAccuracy),
        ("mean_accuracy", e => e.MeanAccuracy),
        ("mean_iou", e => e.MeanIoU),
        ("mean_precision", e => e.MeanPrecision),
        ("mean_dice", e => e.MeanDice),
        ("mean_fscore", e => e.MeanFscore),
    ]);

    /// <summary>The eval_log.csv columns of a segmentation run.</summary>
    public static IReadOnlyList<string> ColumnNames => Log.Names;

    /// <summary>Fraction of labelled pixels predicted correctly.</summary>
    public double OverallAccuracy => Metrics.OverallAccuracy;

    /// <summary>Mean per-class accuracy (recall).</summary>
    public double MeanAccuracy => Metrics.MeanAccuracy;

    /// <summary>Mean intersection over union.</summary>
    public double MeanIoU => Metrics.MeanIoU;

    /// <summary>Mean per-class precision.</summary>
    public double MeanPrecision => Metrics.MeanPrecision;

    /// <summary>Mean per-class Dice coefficient.</summary>
    public double MeanDice => Metrics.MeanDice;

    /// <summary>Mean per-class F-score.</summary>
    public double MeanFscore => Metrics.MeanFscore;

    /// <inheritdoc />
    public override IReadOnlyList<string> ValueNames => Log.Names;

    /// <inheritdoc />
    public override double[] Values => Log.ValuesOf(this);

    /// <inheritdoc />
    public override double Selection => MeanIoU;

    /// <inheritdoc />
    public override string SelectionName => "mIoU";

    /// <inheritdoc />
    public override string Summary => $"mAcc {100 * MeanAccuracy:F2}  mIoU {100 * MeanIoU:F2}  OA {100 * OverallAccuracy:F2}";

    /// <inheritdoc />
    public override string FullSummary =>
        $"OA {100 * OverallAccuracy:F2}  mAcc {100 * MeanAccuracy:F2}  mIoU {100 * MeanIoU:F2}  fwIoU {100 * Metrics.FrequencyWeightedIoU:F2}  mDice {100 * MeanDice:F2}  mFscore {100 * MeanFscore:F2}";

    /// <inheritdoc />
    public override string CountedUnit => Unit;

    /// <summary>What segmentation counts per class.</summary>
    public const string Unit = "pixels";
}
