using System.Globalization;
using System.Text;
using RecallKit.Vision.Configuration;

namespace RecallKit.Vision.Reports;

/// <summary>
/// The report's paired differences vs cross-entropy (same seed) with 95 % t-intervals over seeds: mAcc and mIoU for
/// segmentation, top-1 for classification. A difference whose interval contains 0 is marked "n.s."; with one seed there is no
/// interval.
/// </summary>
public static class PairedComparison
{
    /// <summary>Marks a difference whose 95 % interval contains 0.</summary>
    public const string NotSignificant = "n.s.";

    /// <summary>CSV column keys, the same for both tasks (empty where a metric does not apply).</summary>
    public static readonly string[] CsvKeys = ["macc", "miou", "top1"];

    /// <summary>
    /// The cross-entropy baseline: the variant trained with plain cross-entropy (for classification with a linear head, jointly
    /// trained); null when there is none.
    /// </summary>
    public static VariantResults? Baseline(IReadOnlyList<VariantResults> variants, TaskReport task) =>
        variants.FirstOrDefault(v =>
            v.Runs[0].Config.Loss.TrainedTerms[0].Kind == LossKind.CrossEntropy && task.IsBaselineModel(v.Runs[0].Config.Model));

    /// <summary>One cell: <c>+2.0 ± 2.5 n.s.</c>, <c>+2.5 ± 1.2</c>, or without an interval <c>+2.0</c>; – when nothing pairs up.</summary>
    public static string Cell(PairedDifference? d) =>
        d is null ? "–"
        : !d.HasInterval ? Signed(d.Mean)
        : $"{Signed(d.Mean)} ± {d.HalfWidth.ToString("0.0", CultureInfo.CurrentCulture)}" + (d.Significant ? "" : " " + NotSignificant);

    /// <summary>The Markdown section (heading, explanation, table); empty when there is no cross-entropy baseline or no other variant.</summary>
    public static string Markdown(IReadOnlyList<VariantResults> variants, TaskReport task)
    {
        var baseline = Baseline(variants, task);
        var others = variants.Where(v => v != baseline).ToArray();
        if (baseline is null || others.Length == 0) return "";
        var metrics = task.PairedMetrics;
        var sb = new StringBuilder();
        sb.AppendLine("## Paired differences vs cross-entropy");
        sb.AppendLine();
        sb.AppendLine($"Per seed, each variant's metric minus `{baseline.Name}`'s under the same seed, in percentage points (pts); mean over the paired seeds " +
            "± the half-width of the 95 % t-interval (t quantile for n − 1 degrees of freedom × sample std / √n). " +
            $"\"{NotSignificant}\": the interval contains 0.");
        var rows = others.Select(v => (v.Name, Diffs: metrics.Select(m => PairedDifference.Versus(v, baseline, m.Metric)).ToArray())).ToArray();
        if (rows.All(r => r.Diffs.All(d => d is null || !d.HasInterval)))
            sb.AppendLine("One seed per variant: no interval (an interval needs at least two paired seeds).");
        sb.AppendLine();
        sb.AppendLine("| difference | paired seeds | " + string.Join(" | ", metrics.Select(m => $"Δ {m.Name} (pts)")) + " |");
        sb.AppendLine("|---|---:|" + string.Concat(metrics.Select(_ => "---:|")));
        foreach (var (name, diffs) in rows)
            sb.AppendLine($"| {name} − {baseline.Name} | {diffs.Max(d => d?.Seeds ?? 0)} | " + string.Join(" | ", diffs.Select(Cell)) + " |");
        return sb.ToString();
    }

    /// <summary>CSV header fields appended to results.csv: per metric the mean difference, the interval half-width and its significance.</summary>
    public static string CsvHeader => string.Concat(CsvKeys.Select(k => $",diff_{k}_vs_ce,ci95_{k},significance_{k}"));

    /// <summary>
    /// The appended CSV fields of a variant (the same on each of its seed rows), in points: empty for the baseline and for
    /// metrics of the other task; significance is "significant", "n.s." or "no interval (1 seed)".
    /// </summary>
    public static string CsvFields(VariantResults variant, IReadOnlyList<VariantResults> variants, TaskReport task)
    {
        var baseline = Baseline(variants, task);
        var metrics = task.PairedMetrics;
        var sb = new StringBuilder();
        foreach (var key in CsvKeys)
        {
            var metric = metrics.FirstOrDefault(m => m.Key == key);
            var d = baseline is null || variant == baseline || metric.Metric is null ? null : PairedDifference.Versus(variant, baseline, metric.Metric);
            if (d is null)
            {
                sb.Append(",,,");
                continue;
            }
            string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
            sb.Append(',').Append(F(d.Mean))
              .Append(',').Append(d.HasInterval ? F(d.HalfWidth) : "")
              .Append(',').Append(!d.HasInterval ? "no interval (1 seed)" : d.Significant ? "significant" : NotSignificant);
        }
        return sb.ToString();
    }

    private static string Signed(double v) => v.ToString("+0.0;-0.0;0.0", CultureInfo.CurrentCulture);
}
