using System.Text;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Reports;
using static RecallKit.Vision.Reports.TableCells;

namespace RecallKit.Vision.Classification;

/// <summary>The classification report: top-1, many/medium/few-shot, mean per-class and top-5 accuracy (paper Tables 5–6).</summary>
internal sealed class ClassificationReport : TaskReport
{
    /// <inheritdoc />
    public override string CountedUnit => ClassificationEvaluation.Unit;

    private static readonly (string Name, Func<RunResults, double> Select)[] Columns =
    [
        ("top-1", r => r.Classification.Top1), ("many", r => r.Classification.Many), ("medium", r => r.Classification.Medium),
        ("few", r => r.Classification.Few), ("mean per-class acc", r => r.MeanAccuracy), ("top-5", r => r.Classification.Top5),
        ("best-eval top-1", r => r.BestTop1),
    ];

    /// <inheritdoc />
    public override string ValidationTitle => "Validation top-1 accuracy during training";

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, string Key, Func<RunResults, double> Metric)> PairedMetrics { get; } =
        [("top-1", "top1", r => 100 * r.Classification.Top1)];

    /// <inheritdoc />
    public override string TableNote =>
        "many-shot: > 100 training images, medium: 20–100, few: < 20 (– when no class falls in a group); Δ top-1: the variant minus cross-entropy, in percentage points (pts). ";

    /// <summary>A classifier baseline has a linear head, jointly trained.</summary>
    public override bool IsBaselineModel(ModelConfig model) => model.Head == HeadKind.Linear && model.Stage == TrainingStage.Joint;

    /// <summary>Top-1 only: on a balanced test split it equals the mean per-class accuracy.</summary>
    public override IReadOnlyList<(string Name, string Column)> ValidationMetrics { get; } = [("top-1", "top1")];

    /// <inheritdoc />
    public override string Table(IReadOnlyList<VariantResults> variants)
    {
        var baseline = PairedComparison.Baseline(variants, this);
        var stats = variants.Select(v => Columns.Select(c => v.Stat(r => 100 * c.Select(r))).ToArray()).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine("| method | " + string.Join(" | ", Columns.Select(c => c.Name)) + " | Δ top-1 vs CE (pts) |");
        sb.AppendLine("|---|" + string.Concat(Columns.Select(_ => "---:|")) + "---:|");
        int baseIndex = baseline is null ? -1 : variants.ToList().IndexOf(baseline);
        for (int v = 0; v < variants.Count; v++)
        {
            var cells = Columns.Select((_, c) => Mark(stats[v][c].mean, stats.Select(row => row[c].mean), Cell(stats[v][c], variants[v].Runs.Count)));
            string delta = baseIndex < 0 ? "–" : $"{stats[v][0].mean - stats[baseIndex][0].mean:+0.0;-0.0;0.0}";
            sb.AppendLine($"| {variants[v].Name} | {string.Join(" | ", cells)} | {delta} |");
        }
        return sb.ToString();
    }
}
