namespace RecallKit.Vision.Reports;

/// <summary>
/// A variant's metric minus the baseline's under the same seed, summarised over seeds: mean, sample standard deviation and
/// the half-width of the 95 % t-interval of the mean, <c>t(0.975, n−1)·sd/√n</c>. With one seed there is no interval.
/// </summary>
/// <param name="Seeds">Number of paired seeds n.</param>
/// <param name="Mean">Mean difference.</param>
/// <param name="StandardDeviation">Sample standard deviation of the differences (n − 1 denominator; NaN for one seed).</param>
/// <param name="HalfWidth">Half-width of the 95 % interval (NaN for one seed).</param>
public sealed record PairedDifference(int Seeds, double Mean, double StandardDeviation, double HalfWidth)
{
    /// <summary>Whether there is an interval (at least two paired seeds).</summary>
    public bool HasInterval => Seeds >= 2;

    /// <summary>Lower end of the 95 % interval.</summary>
    public double Lower => Mean - HalfWidth;

    /// <summary>Upper end of the 95 % interval.</summary>
    public double Upper => Mean + HalfWidth;

    /// <summary>The interval excludes 0 (false without an interval).</summary>
    public bool Significant => HasInterval && (Lower > 0 || Upper < 0);

    /// <summary>Summarises per-seed differences (at least one).</summary>
    public static PairedDifference Of(IReadOnlyList<double> differences)
    {
        if (differences.Count == 0) throw new ArgumentException("no paired difference to summarise.", nameof(differences));
        int n = differences.Count;
        double mean = differences.Average();
        if (n == 1) return new PairedDifference(1, mean, double.NaN, double.NaN);
        double sd = Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (n - 1));
        return new PairedDifference(n, mean, sd, StudentT.Quantile975(n - 1) * sd / Math.Sqrt(n));
    }

    /// <summary>
    /// <paramref name="metric"/> of <paramref name="variant"/> minus that of <paramref name="baseline"/>, paired by seed (seeds
    /// that only one of them ran, or whose metric is not finite, are left out); null when no seed pairs up.
    /// </summary>
    public static PairedDifference? Versus(VariantResults variant, VariantResults baseline, Func<RunResults, double> metric)
    {
        var baseBySeed = baseline.Runs.GroupBy(r => r.Config.Seed).ToDictionary(g => g.Key, g => metric(g.First()));
        var differences = variant.Runs
            .Where(r => baseBySeed.ContainsKey(r.Config.Seed))
            .Select(r => metric(r) - baseBySeed[r.Config.Seed])
            .Where(double.IsFinite)
            .ToArray();
        return differences.Length == 0 ? null : Of(differences);
    }
}
