using System.Globalization;
using System.Text;
using RecallKit.Vision.RunFiles;

namespace RecallKit.Vision.Reports;

/// <summary>One point of a sweep: the value of the swept setting and the comparison's results directory.</summary>
public sealed record SweepPoint(double Value, string Directory);

/// <summary>
/// Several comparisons that differ in one setting (e.g. <c>data.synthetic_confusability</c>), read together: per point and
/// loss the metric's mean ± sample std over seeds and the paired difference vs cross-entropy with its 95 % interval, as
/// <c>sweep.md</c>, <c>sweep.csv</c> and one figure per metric (metric against the setting, one line per loss).
/// </summary>
public static class SweepReport
{
    /// <summary>Writes the sweep's files into <paramref name="outputDirectory"/> and returns the Markdown.</summary>
    public static string Write(string axis, IReadOnlyList<SweepPoint> points, string outputDirectory, Func<TaskKind, TaskReport> reports)
    {
        if (points.Count < 2) throw new ArgumentException($"a sweep needs at least two points (got {points.Count}).", nameof(points));
        if (points.Select(p => p.Value).Distinct().Count() != points.Count) throw new ArgumentException("two sweep points have the same value.", nameof(points));
        var ordered = points.OrderBy(p => p.Value).ToArray();
        var results = ordered.Select(p => (p.Value, Variants: VariantResults.LoadAll(p.Directory))).ToArray();
        foreach (var (value, variants) in results)
            if (variants.Count == 0) throw new InvalidDataException($"{ordered.First(p => p.Value == value).Directory} holds no finished run (no */{RunDirectory.MetricsFile}).");
        // Losses present at every point, in the order of the first point.
        var names = results[0].Variants.Select(v => v.Name).Where(n => results.All(r => r.Variants.Any(v => v.Name == n))).ToArray();
        if (names.Length == 0) throw new InvalidDataException("no loss (variant name) is present at every point of the sweep.");
        var task = reports(results[0].Variants[0].Runs[0].Task);
        var metrics = task.PairedMetrics;
        Directory.CreateDirectory(outputDirectory);

        var markdown = new StringBuilder();
        markdown.AppendLine($"# Sweep over {axis}");
        markdown.AppendLine();
        markdown.AppendLine("Per point and loss: mean ± sample std over seeds, in %; Δ: the paired difference vs cross-entropy (same seed) in percentage points (pts) ± the " +
                            $"half-width of its 95 % t-interval, \"{PairedComparison.NotSignificant}\" when the interval contains 0.");
        markdown.AppendLine();
        markdown.AppendLine($"| {axis} | loss | seeds | " + string.Join(" | ", metrics.Select(m => $"{m.Name} | Δ {m.Name} (pts)")) + " |");
        markdown.AppendLine("|---:|---|---:|" + string.Concat(metrics.Select(_ => "---:|---:|")));
        var csv = new StringBuilder();
        csv.AppendLine($"{axis},variant,seeds," + string.Join(",", metrics.Select(m => $"{m.Key}_mean,{m.Key}_std,{m.Key}_diff_vs_ce,{m.Key}_ci95")));
        foreach (var (value, variants) in results)
        {
            var baseline = PairedComparison.Baseline(variants, task);
            foreach (var name in names)
            {
                var variant = variants.First(v => v.Name == name);
                var cells = new List<string>();
                var fields = new List<string>();
                foreach (var m in metrics)
                {
                    var (mean, std) = variant.Stat(m.Metric);
                    var diff = baseline is null || baseline == variant ? null : PairedDifference.Versus(variant, baseline, m.Metric);
                    cells.Add($"{Number(mean)} ± {Number(std)}");
                    cells.Add(baseline == variant ? "" : PairedComparison.Cell(diff));
                    fields.Add(Invariant(mean));
                    fields.Add(Invariant(std));
                    fields.Add(diff is null ? "" : Invariant(diff.Mean));
                    fields.Add(diff is null || !diff.HasInterval ? "" : Invariant(diff.HalfWidth));
                }
                markdown.AppendLine($"| {Invariant(value)} | {name} | {variant.Runs.Count} | " + string.Join(" | ", cells) + " |");
                csv.AppendLine($"{Invariant(value)},{name},{variant.Runs.Count}," + string.Join(",", fields));
            }
        }
        markdown.AppendLine();
        var palette = new LossPalette(names);
        foreach (var m in metrics)
        {
            var file = $"sweep_{m.Key}.png";
            Charts.Lines(Path.Combine(outputDirectory, file), $"{m.Name} against {axis} (mean over seeds)", axis, $"{m.Name} (%)",
                names.Select(n => new LineSeries(n, palette.Of(n), results.Select(r => r.Value).ToArray(),
                    results.Select(r => r.Variants.First(v => v.Name == n).Stat(m.Metric).mean).ToArray(), ScottPlot.LinePattern.Solid)).ToArray());
            markdown.AppendLine($"![{m.Name} against {axis}]({file})");
            markdown.AppendLine();
        }
        markdown.AppendLine("Points: " + string.Join(", ", ordered.Select(p => $"{Invariant(p.Value)} → `{p.Directory}`")));
        File.WriteAllText(Path.Combine(outputDirectory, "sweep.md"), markdown.ToString());
        File.WriteAllText(Path.Combine(outputDirectory, "sweep.csv"), csv.ToString());
        return markdown.ToString();
    }

    /// <summary>Parses <c>VALUE=DIRECTORY</c> (the value in invariant culture).</summary>
    public static SweepPoint ParsePoint(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1 || !double.TryParse(text[..eq], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new ArgumentException($"--point '{text}': expected VALUE=DIRECTORY, e.g. 0.5=runs/confusability/p0.5.");
        return new SweepPoint(value, text[(eq + 1)..]);
    }

    private static string Number(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
