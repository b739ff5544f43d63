namespace RecallKit.Cli.Commands;

internal static class ReportSummary
{
    /// <summary>The table lines of a report, for the terminal (tables separated by a blank line).</summary>
    public static string TableOf(string markdown)
    {
        var lines = new List<string>();
        bool inTable = false;
        foreach (var line in markdown.Split('\n'))
        {
            bool row = line.StartsWith('|');
            if (row && !inTable && lines.Count > 0) lines.Add("");
            if (row) lines.Add(line.TrimEnd('\r').Replace("**", "").Replace("*", ""));
            inTable = row;
        }
        return string.Join(Environment.NewLine, lines);
    }
}
