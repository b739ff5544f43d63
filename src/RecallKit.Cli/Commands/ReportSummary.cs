namespace RecallKit.Cli.Commands;

internal static class ReportSummary
{
    /// <summary>The table lines of a report, for the terminal.</summary>
    public static string TableOf(string markdown) =>
        string.Join(Environment.NewLine, markdown.Split('\n').Where(l => l.StartsWith('|')).Select(l => l.Replace("**", "").Replace("*", "")));
}
