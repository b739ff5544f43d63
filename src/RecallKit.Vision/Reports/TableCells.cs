namespace RecallKit.Vision.Reports;

/// <summary>Cells of the report tables: a mean (± std over seeds), marked when it is the best or second best of its column.</summary>
internal static class TableCells
{
    /// <summary><paramref name="text"/> in bold when <paramref name="value"/> is the column's best, in italics when second best.</summary>
    public static string Mark(double value, IEnumerable<double> column, string text)
    {
        var sorted = column.Where(double.IsFinite).OrderDescending().Distinct().ToArray();
        return sorted.Length > 1 && value == sorted[0] ? $"**{text}**" : sorted.Length > 2 && value == sorted[1] ? $"*{text}*" : text;
    }

    /// <summary><c>mean ± std</c> with several seeds, the mean alone with one, – when undefined.</summary>
    public static string Cell((double mean, double std) s, int seeds) =>
        !double.IsFinite(s.mean) ? "–" : seeds > 1 ? $"{s.mean:0.0} ± {s.std:0.0}" : $"{s.mean:0.0}";
}
