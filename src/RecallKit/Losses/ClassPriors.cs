namespace RecallKit.Losses;

/// <summary>
/// Log class priors from training-set class counts, for the logit-adjusted and balanced-softmax losses and the post-hoc logit
/// adjustment of a trained classifier. Every count must be &gt; 0: log 0 would put −∞ into the logits.
/// </summary>
public static class ClassPriors
{
    /// <summary>log π_c = log(n_c / Σn) for each class.</summary>
    /// <param name="class_counts">Training-set samples per class, all &gt; 0.</param>
    /// <param name="owner">Who asks, for the error message.</param>
    public static double[] LogPrior(IReadOnlyList<long> class_counts, string owner)
    {
        var counts = CheckPositive(class_counts, owner);
        double total = counts.Sum(n => (double)n);
        return counts.Select(n => Math.Log(n / total)).ToArray();
    }

    /// <summary>log n_c for each class.</summary>
    /// <param name="class_counts">Training-set samples per class, all &gt; 0.</param>
    /// <param name="owner">Who asks, for the error message.</param>
    public static double[] LogCounts(IReadOnlyList<long> class_counts, string owner) =>
        CheckPositive(class_counts, owner).Select(n => Math.Log(n)).ToArray();

    /// <summary>The counts, or an <see cref="ArgumentException"/> naming the first class whose count is not &gt; 0.</summary>
    public static long[] CheckPositive(IReadOnlyList<long>? class_counts, string owner)
    {
        if (class_counts is null)
            throw new ArgumentNullException(nameof(class_counts), $"{owner}: class_counts (training-set samples per class) are required.");
        if (class_counts.Count == 0) throw new ArgumentException($"{owner}: class_counts is empty.", nameof(class_counts));
        for (int c = 0; c < class_counts.Count; c++)
            if (class_counts[c] <= 0)
                throw new ArgumentException(
                    $"{owner}: class {c} has {class_counts[c]} training samples; every class needs at least one (its log prior would be −∞).",
                    nameof(class_counts));
        return class_counts.ToArray();
    }
}
