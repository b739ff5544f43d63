using System.Globalization;
using System.Text;
using RecallKit.Vision.Data.Checks;

namespace RecallKit.Vision.Reports;

/// <summary>The text and the bar chart of <c>recallkit data check</c>: per split and per class, counts and shares.</summary>
public static class DataCheckReport
{
    /// <summary>The chart's file name.</summary>
    public const string ChartFile = "class_frequencies.png";

    /// <summary>Writes the Markdown report and the chart into <paramref name="directory"/> and returns the Markdown.</summary>
    /// <param name="directory">Where data_check.md and the chart go.</param>
    /// <param name="classNames">Class names, index = id.</param>
    /// <param name="unit">What is counted: pixels or images.</param>
    /// <param name="splits">The checked splits.</param>
    public static string Write(string directory, IReadOnlyList<string> classNames, string unit, IReadOnlyList<SplitCheck> splits)
    {
        Directory.CreateDirectory(directory);
        var markdown = Markdown(classNames, unit, splits);
        File.WriteAllText(Path.Combine(directory, "data_check.md"), markdown);
        if (classNames.Count <= ComparisonReport.MaxClassesInFigures)
        {
            var order = Order(splits[0]);
            Charts.GroupedBars(Path.Combine(directory, ChartFile), $"Share of labelled {unit} per class (classes by their share in '{splits[0].Split}')",
                "share (%)", order.Select(c => classNames[c]).ToArray(),
                splits.Select(s => (s.Split, order.Select(c => 100.0 * s.Counts[c] / Math.Max(1, s.Counts.Sum())).ToArray())).ToList(),
                new LossPalette(splits.Select(s => s.Split))); // bars are splits here, each in its own colour
        }
        return markdown;
    }

    /// <summary>The report as Markdown: a summary per split, the per-class table (most frequent first), absent classes, problems.</summary>
    public static string Markdown(IReadOnlyList<string> classNames, string unit, IReadOnlyList<SplitCheck> splits)
    {
        var sb = new StringBuilder();
        foreach (var s in splits)
        {
            sb.AppendLine($"split '{s.Split}': {s.Samples:N0} samples; sizes min / median / max {s.SizeSummary}");
            if (s.Encodings.Count > 0) sb.AppendLine($"  labels: {string.Join(", ", s.Encodings.Select(e => $"{e.Key} × {e.Value:N0}"))}");
            if (unit == "pixels") sb.AppendLine($"  ignored pixels: {s.Ignored:N0} ({100 * s.IgnoredShare:0.0} %)");
        }
        sb.AppendLine();
        sb.Append("| class |");
        foreach (var s in splits) sb.Append($" {s.Split} {unit} | {s.Split} share |");
        sb.AppendLine();
        sb.Append("|---|");
        foreach (var _ in splits) sb.Append("---:|---:|");
        sb.AppendLine();
        foreach (var c in Order(splits[0]))
        {
            sb.Append($"| {classNames[c]} |");
            foreach (var s in splits)
                sb.Append(string.Create(CultureInfo.InvariantCulture, $" {s.Counts[c]:N0} | {100.0 * s.Counts[c] / Math.Max(1, s.Counts.Sum()):0.00} % |"));
            sb.AppendLine();
        }
        sb.AppendLine();
        foreach (var s in splits)
        {
            var absent = s.AbsentClasses.Select(c => classNames[c]).ToArray();
            sb.AppendLine($"classes absent from '{s.Split}': {(absent.Length == 0 ? "none" : string.Join(", ", absent))}");
        }
        foreach (var s in splits)
            foreach (var p in s.Problems)
                sb.AppendLine($"problem in '{s.Split}': {p.Count:N0} × {p.Kind}; first: {p.First}");
        return sb.ToString();
    }

    private static int[] Order(SplitCheck split) => Enumerable.Range(0, split.Counts.Length).OrderByDescending(c => split.Counts[c]).ThenBy(c => c).ToArray();
}
