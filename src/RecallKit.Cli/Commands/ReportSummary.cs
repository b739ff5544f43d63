using RecallKit.Vision.Reports;

namespace RecallKit.Cli.Commands;

internal static class ReportSummary
{
    /// <summary>
    /// The table lines of a report, for the terminal (tables separated by a blank line); the per-class tables, one row per
    /// class, stay in report.md and report.html.
    /// </summary>
    public static string TableOf(string markdown)
    {
        var lines = new List<string>();
        bool inTable = false, perClass = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal)) perClass = line.TrimEnd('\r') == "## " + ComparisonReport.PerClassHeading;
            bool row = line.StartsWith('|') && !perClass;
            if (row && !inTable && lines.Count > 0) lines.Add("");
            if (row) lines.Add(line.TrimEnd('\r').Replace("**", "").Replace("*", ""));
            inTable = row;
        }
        return string.Join(Environment.NewLine, lines);
    }
}
