using System.Globalization;

namespace RecallKit.Vision.RunFiles;

/// <summary>
/// An append-only CSV log keyed by step (the number of steps completed). On resume, rows after the resumed step are dropped first, so a log
/// has no duplicated or missing steps however often the run was interrupted. A log written by an earlier version whose header is a
/// prefix of the current one (columns were appended since) keeps its rows, padded with empty cells (read back as NaN).
/// </summary>
public sealed class CsvLog : IDisposable
{
    private readonly StreamWriter writer;

    /// <param name="path">The CSV file.</param>
    /// <param name="header">Column names; the first must be the step.</param>
    /// <param name="resume_from">Steps already completed: rows up to this step are kept, later ones dropped (0 starts a new file).</param>
    public CsvLog(string path, IReadOnlyList<string> header, int resume_from)
    {
        var headerLine = string.Join(",", header);
        var kept = new List<string>();
        if (resume_from > 0 && File.Exists(path))
        {
            var lines = File.ReadAllLines(path);
            if (lines.Length > 0 && (lines[0] == headerLine || headerLine.StartsWith(lines[0] + ",", StringComparison.Ordinal)))
            {
                var padding = new string(',', header.Count - lines[0].Split(',').Length);
                kept.AddRange(lines.Skip(1).Where(l => StepOf(l) is { } s && s <= resume_from).Select(l => l + padding));
            }
        }
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, [headerLine, .. kept]);
        File.Move(temporary, path, overwrite: true);
        writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    /// <summary>Appends one row; numbers are written with the invariant culture and full precision.</summary>
    public void Append(int step, IEnumerable<double> values) =>
        writer.WriteLine(string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)).Prepend(step.ToString(CultureInfo.InvariantCulture))));

    private static int? StepOf(string line)
    {
        var comma = line.IndexOf(',');
        return int.TryParse(comma < 0 ? line : line[..comma], NumberStyles.Integer, CultureInfo.InvariantCulture, out var step) ? step : null;
    }

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();
}
