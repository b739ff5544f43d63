namespace RecallKit.Losses;

/// <summary>Per-class weights from dataset-level class counts (training split only). A class with count 0 gets weight 0.</summary>
public static class FrequencyWeights
{
    /// <summary>Inverse frequency: w_c = 1 / n_c (normalise with <see cref="NormaliseToClassCount"/> if needed).</summary>
    public static double[] InverseFrequency(IReadOnlyList<long> counts) => counts.Select(n => n > 0 ? 1.0 / n : 0).ToArray();

    /// <summary>
    /// Median frequency balancing (Eigen &amp; Fergus 2015): w_c = median(n) / n_c, the median taken over the classes with
    /// n_c &gt; 0 (the mean of the two middle values for an even number of such classes).
    /// </summary>
    public static double[] MedianFrequency(IReadOnlyList<long> counts)
    {
        var present = counts.Where(n => n > 0).Order().ToArray();
        if (present.Length == 0) throw new ArgumentException("every class count is 0.", nameof(counts));
        double median = present.Length % 2 == 1
            ? present[present.Length / 2]
            : (present[present.Length / 2 - 1] + present[present.Length / 2]) / 2.0;
        return counts.Select(n => n > 0 ? median / n : 0).ToArray();
    }

    /// <summary>
    /// Class-balanced weights (Cui et al. 2019): w_c = (1 − β) / (1 − β^{n_c}), normalised so that Σ_c w_c = C
    /// (classes with n_c = 0 get 0 and take part in neither). β = 0 gives equal weights (plain cross-entropy).
    /// </summary>
    public static double[] ClassBalanced(IReadOnlyList<long> counts, double beta)
    {
        if (!(beta >= 0 && beta < 1)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be in [0, 1).");
        var raw = counts.Select(n => n > 0 ? (1 - beta) / (1 - Math.Pow(beta, n)) : 0).ToArray();
        return NormaliseToClassCount(raw);
    }

    /// <summary>β "auto" of the class-balanced loss: (Σn − 1) / Σn.</summary>
    public static double AutoBeta(IReadOnlyList<long> counts)
    {
        double total = counts.Sum();
        if (total < 1) throw new ArgumentException("every class count is 0.", nameof(counts));
        return (total - 1) / total;
    }

    /// <summary>Scales weights so that they sum to the number of classes C.</summary>
    public static double[] NormaliseToClassCount(IReadOnlyList<double> weights)
    {
        double sum = weights.Sum();
        if (!(sum > 0)) throw new ArgumentException("the weights sum to 0.", nameof(weights));
        return weights.Select(w => w * weights.Count / sum).ToArray();
    }
}
