using System.Globalization;
using System.Text;
using static RecallKit.Vision.Reports.TableCells;

namespace RecallKit.Vision.Reports;

/// <summary>
/// The report's per-class tables: recall (class accuracy), precision and IoU of every class under every loss, in %, one table per
/// metric, rare classes first (by <see cref="ClassShares"/>, which names the split it counted), best loss per class in bold and
/// second in italics. With more than <see cref="MaxRows"/> classes the rarest <see cref="MaxRows"/> are shown and the rest are
/// left to results.csv, with a sentence saying so.
/// </summary>
internal static class PerClassTable
{
    /// <summary>Rows per table beyond which only the rarest classes are listed.</summary>
    public const int MaxRows = 100;

    /// <summary>The metrics, one table each: heading and the per-class value (a fraction; NaN when undefined).</summary>
    public static readonly (string Heading, Func<ClassResult, double> Select)[] Metrics =
    [
        ("Recall (class accuracy)", c => c.Accuracy),
        ("Precision", c => c.Precision),
        ("IoU", c => c.IoU),
    ];

    /// <summary>The section as Markdown (heading, explanation, three tables).</summary>
    public static string Markdown(IReadOnlyList<VariantResults> variants, ClassShares shares)
    {
        var names = variants[0].Runs[0].Classes.Select(c => c.Name).ToArray();
        var rows = shares.RareFirst();
        int seeds = variants.Max(v => v.Runs.Count);
        var sb = new StringBuilder();
        sb.AppendLine("## " + ComparisonReport.PerClassHeading);
        sb.AppendLine();
        sb.AppendLine($"Rare classes first, by {shares.Description}; per class and loss in %" +
            (seeds > 1 ? ", mean over seeds" : "") +
            "; best loss per class in bold, second in italics; – where undefined (precision of a class never predicted, any metric of a class absent from the validation split).");
        if (rows.Length > MaxRows)
        {
            sb.AppendLine($"The {MaxRows} rarest of {rows.Length} classes; every class is in `results.csv`.");
            rows = rows[..MaxRows];
        }
        sb.AppendLine();
        var means = variants.Select(v => Metrics.Select(m => v.ClassMean(m.Select)).ToArray()).ToArray();
        for (int m = 0; m < Metrics.Length; m++)
        {
            sb.AppendLine($"### {Metrics[m].Heading}, %");
            sb.AppendLine();
            sb.AppendLine($"| class | {shares.ColumnHeader} | " + string.Join(" | ", variants.Select(v => v.Name)) + " |");
            sb.AppendLine("|---|---:|" + string.Concat(variants.Select(_ => "---:|")));
            foreach (var c in rows)
            {
                var values = means.Select(v => 100 * v[m][c]).ToArray();
                var cells = values.Select(x => Mark(x, values, double.IsFinite(x) ? x.ToString("0.0", CultureInfo.InvariantCulture) : "–"));
                sb.AppendLine($"| {names[c]} | {Share(shares.Percent(c))} | " + string.Join(" | ", cells) + " |");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string Share(double percent) =>
        percent > 0 && percent < 0.01 ? "< 0.01" : percent.ToString("0.00", CultureInfo.InvariantCulture);
}
