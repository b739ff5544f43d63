using System.Text;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Reports;
using static RecallKit.Vision.Reports.TableCells;

namespace RecallKit.Vision.Segmentation;

/// <summary>The segmentation report: mAcc and mIoU (Δ vs cross-entropy in points), best-eval, mDice and mFscore.</summary>
internal sealed class SegmentationReport : TaskReport
{
    /// <inheritdoc />
    public override string CountedUnit => SegmentationEvaluation.Unit;

    /// <inheritdoc />
    public override string ValidationTitle => "Validation mIoU and mAcc during training";

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, string Key, Func<RunResults, double> Metric)> PairedMetrics { get; } =
        [("mAcc", "macc", r => 100 * r.MeanAccuracy), ("mIoU", "miou", r => 100 * r.MeanIoU)];

    /// <inheritdoc />
    public override string TableNote =>
        "Δ mAcc and Δ mIoU: the variant minus cross-entropy, in percentage points (pts); mDice = mean of 2TP / (2TP + FP + FN), mFscore = mean F1 = 2TP / (2TP + FP + FN), 0 for a class never predicted (– for runs that did not record them). ";

    /// <inheritdoc />
    public override bool IsBaselineModel(ModelConfig model) => true;

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, string Column)> ValidationMetrics { get; } = [("mIoU", "mean_iou"), ("mAcc", "mean_accuracy")];

    /// <inheritdoc />
    public override string Table(IReadOnlyList<VariantResults> variants)
    {
        var baseline = PairedComparison.Baseline(variants, this);
        var rows = variants.Select(v => new
        {
            v.Name,
            Seeds = v.Runs.Count,
            MAcc = v.Stat(r => 100 * r.MeanAccuracy),
            MIoU = v.Stat(r => 100 * r.MeanIoU),
            BestMAcc = v.Stat(r => 100 * r.BestMeanAccuracy),
            BestMIoU = v.Stat(r => 100 * r.BestMeanIoU),
            MDice = v.Stat(r => 100 * r.MeanDice),
            MFscore = v.Stat(r => 100 * r.MeanFscore),
        }).ToList();
        var sb = new StringBuilder();
        sb.AppendLine("| loss | mAcc | mIoU | Δ mAcc vs CE (pts) | Δ mIoU vs CE (pts) | best-eval mAcc | best-eval mIoU | mDice | mFscore |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var baseRow = baseline is null ? null : rows.First(r => r.Name == baseline.Name);
        foreach (var r in rows)
        {
            string dAcc = baseRow is null ? "–" : $"{r.MAcc.mean - baseRow.MAcc.mean:+0.0;-0.0;0.0}";
            string dIoU = baseRow is null ? "–" : $"{r.MIoU.mean - baseRow.MIoU.mean:+0.0;-0.0;0.0}";
            sb.AppendLine(string.Join(" | ", [
                $"| {r.Name}",
                Mark(r.MAcc.mean, rows.Select(x => x.MAcc.mean), Cell(r.MAcc, r.Seeds)),
                Mark(r.MIoU.mean, rows.Select(x => x.MIoU.mean), Cell(r.MIoU, r.Seeds)),
                dAcc, dIoU,
                Mark(r.BestMAcc.mean, rows.Select(x => x.BestMAcc.mean), Cell(r.BestMAcc, r.Seeds)),
                Mark(r.BestMIoU.mean, rows.Select(x => x.BestMIoU.mean), Cell(r.BestMIoU, r.Seeds)),
                Mark(r.MDice.mean, rows.Select(x => x.MDice.mean), Cell(r.MDice, r.Seeds)),
                Mark(r.MFscore.mean, rows.Select(x => x.MFscore.mean), Cell(r.MFscore, r.Seeds)) + " |"]));
        }
        return sb.ToString();
    }
}
