using RecallKit.Vision.RunFiles;

namespace RecallKit.Vision.Reports;

/// <summary>One compared variant (a loss), possibly over several seeds.</summary>
/// <param name="Name">Variant name (its directory name).</param>
/// <param name="Runs">One run per seed.</param>
public sealed record VariantResults(string Name, IReadOnlyList<RunResults> Runs)
{
    /// <summary>Mean and sample standard deviation (0 for one seed) of a per-run number.</summary>
    public (double mean, double std) Stat(Func<RunResults, double> select)
    {
        var values = Runs.Select(select).ToArray();
        double mean = values.Average();
        double std = values.Length > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1)) : 0;
        return (mean, std);
    }

    /// <summary>Per-class mean over seeds of a per-class number.</summary>
    public double[] ClassMean(Func<ClassResult, double> select) =>
        Enumerable.Range(0, Runs[0].Classes.Count).Select(c => Runs.Average(r => select(r.Classes[c]))).ToArray();

    /// <summary>
    /// Reads a results directory: each subdirectory is a variant, holding either a run (metrics.json) or one run per seed
    /// in sub-subdirectories. Variants are ordered by name; unfinished runs are skipped with a note, and so are runs outside
    /// <paramref name="only"/> when it is given (e.g. a variant or seed removed from the comparison since).
    /// </summary>
    public static IReadOnlyList<VariantResults> LoadAll(string resultsDirectory, ICollection<string>? notes = null, IReadOnlyCollection<string>? only = null)
    {
        var wanted = only?.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        if (!Directory.Exists(resultsDirectory)) throw new DirectoryNotFoundException($"results directory {resultsDirectory} does not exist.");
        var variants = new List<VariantResults>();
        foreach (var dir in Directory.GetDirectories(resultsDirectory).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(dir) == ComparisonReport.FiguresDirectory) continue;
            var runDirs = File.Exists(Path.Combine(dir, RunDirectory.MetricsFile))
                ? [dir]
                : Directory.GetDirectories(dir).Where(d => File.Exists(Path.Combine(d, RunDirectory.MetricsFile))).Order(StringComparer.Ordinal).ToArray();
            if (wanted is not null)
            {
                var outside = runDirs.Where(d => !wanted.Contains(Path.GetFullPath(d))).ToArray();
                if (outside.Length > 0)
                    notes?.Add($"{string.Join(", ", outside.Select(d => Path.GetRelativePath(resultsDirectory, d)))}: not part of this comparison, left out");
                if (outside.Length == runDirs.Length) continue;
                runDirs = runDirs.Except(outside).ToArray();
            }
            if (runDirs.Length == 0)
            {
                notes?.Add($"{Path.GetFileName(dir)}: no finished run, skipped");
                continue;
            }
            variants.Add(new VariantResults(Path.GetFileName(dir), runDirs.Select(RunResults.Load).ToArray()));
        }
        return variants;
    }
}
