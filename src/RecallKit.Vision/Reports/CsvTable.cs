using System.Globalization;

namespace RecallKit.Vision.Reports;

/// <summary>A numeric CSV log read back by column name (empty cells are NaN), so readers never depend on column positions.</summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> index;

    /// <param name="source">Where the table came from, for error messages.</param>
    /// <param name="header">Column names.</param>
    /// <param name="rows">Rows, each as long as the header.</param>
    public CsvTable(string source, IReadOnlyList<string> header, IReadOnlyList<double[]> rows)
    {
        Source = source;
        Header = header;
        Rows = rows;
        index = header.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>A table without columns or rows.</summary>
    public static CsvTable Empty { get; } = new("(empty)", [], []);

    /// <summary>The file (or other origin) of the table.</summary>
    public string Source { get; }

    /// <summary>Column names in file order.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The rows.</summary>
    public IReadOnlyList<double[]> Rows { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Rows.Count;

    /// <summary>Whether the table has the column.</summary>
    public bool Has(string column) => index.ContainsKey(column);

    /// <summary>The values of a column; a missing column is an error naming the file and its columns.</summary>
    public double[] Column(string column) => index.TryGetValue(column, out var i)
        ? Rows.Select(r => r[i]).ToArray()
        : throw new InvalidDataException($"{Source} has no column '{column}' (it has: {string.Join(", ", Header)}).");

    /// <summary>Reads a CSV file written by the trainer; a row whose length differs from the header is an error naming its line.</summary>
    public static CsvTable Read(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new InvalidDataException($"{path} is empty.");
        var header = lines[0].Split(',');
        var rows = new List<double[]>();
        for (int line = 1; line < lines.Length; line++)
        {
            if (lines[line].Length == 0) continue;
            var cells = lines[line].Split(',');
            if (cells.Length != header.Length)
                throw new InvalidDataException($"{path}:{line + 1} has {cells.Length} values but the header has {header.Length} columns.");
            rows.Add(cells.Select(v => v.Length == 0 ? double.NaN : double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray());
        }
        return new CsvTable(path, header, rows);
    }
}
