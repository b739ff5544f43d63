namespace RecallKit.Metrics;

/// <summary>
/// Accuracy by training-set frequency group (Liu et al. 2019): many-shot (&gt; 100 training samples),
/// medium-shot (20–100), few-shot (&lt; 20); each is the mean per-class accuracy within the group (NaN classes skipped).
/// </summary>
public sealed record LongTailAccuracy(double Many, double Medium, double Few, int ManyClasses, int MediumClasses, int FewClasses)
{
    /// <summary>Upper bound (exclusive) of the few-shot group.</summary>
    public const long FewBelow = 20;

    /// <summary>Lower bound (exclusive) of the many-shot group.</summary>
    public const long ManyAbove = 100;

    /// <summary>The group of a class with <paramref name="training_count"/> training samples.</summary>
    public static ShotGroup GroupOf(long training_count) =>
        training_count > ManyAbove ? ShotGroup.Many : training_count >= FewBelow ? ShotGroup.Medium : ShotGroup.Few;

    /// <summary>Groups per-class accuracy by the training counts.</summary>
    public static LongTailAccuracy FromClassAccuracy(IReadOnlyList<double> class_accuracy, IReadOnlyList<long> training_counts)
    {
        if (class_accuracy.Count != training_counts.Count)
            throw new ArgumentException(
                $"training_counts has {training_counts.Count} entries but there are {class_accuracy.Count} classes.", nameof(training_counts));
        var groups = Enumerable.Range(0, class_accuracy.Count).GroupBy(c => GroupOf(training_counts[c]))
            .ToDictionary(g => g.Key, g => g.ToArray());
        double Mean(ShotGroup g) => groups.TryGetValue(g, out var cls) ? ConfusionMetrics.NanMean(cls.Select(c => class_accuracy[c])) : double.NaN;
        int Count(ShotGroup g) => groups.TryGetValue(g, out var cls) ? cls.Length : 0;
        return new LongTailAccuracy(Mean(ShotGroup.Many), Mean(ShotGroup.Medium), Mean(ShotGroup.Few),
            Count(ShotGroup.Many), Count(ShotGroup.Medium), Count(ShotGroup.Few));
    }
}

/// <summary>Training-frequency group of a class.</summary>
public enum ShotGroup
{
    /// <summary>More than 100 training samples.</summary>
    Many,
    /// <summary>20 to 100 training samples.</summary>
    Medium,
    /// <summary>Fewer than 20 training samples.</summary>
    Few,
}
