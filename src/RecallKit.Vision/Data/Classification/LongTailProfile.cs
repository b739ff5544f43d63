namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// The exponential long-tail profile of Cao et al. (CIFAR-LT): n_c = ⌊n_max · ρ^(−c/(C−1))⌋ for classes c = 0 … C−1,
/// imbalance ratio ρ = n_max / n_min (100 by default).
/// </summary>
public static class LongTailProfile
{
    /// <summary>Samples to keep per class.</summary>
    public static int[] Counts(int classes, int max_per_class, double imbalance_ratio = 100)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "need at least one class.");
        if (max_per_class < 1) throw new ArgumentOutOfRangeException(nameof(max_per_class), max_per_class, "need at least one sample per class.");
        if (!(imbalance_ratio >= 1)) throw new ArgumentOutOfRangeException(nameof(imbalance_ratio), imbalance_ratio, "the imbalance ratio must be ≥ 1.");
        return Enumerable.Range(0, classes)
            .Select(c => (int)Math.Floor(max_per_class * Math.Pow(imbalance_ratio, -(double)c / Math.Max(1, classes - 1)) + 1e-9))
            .ToArray();
    }

    /// <summary>
    /// Indices of a long-tailed subset of a labelled set: for each class, its first <c>counts[c]</c> samples in a shuffled
    /// order fixed by <paramref name="seed"/>. A class with fewer samples than asked is an error naming it.
    /// </summary>
    public static int[] Select(IReadOnlyList<int> labels, IReadOnlyList<int> counts, int seed)
    {
        var order = Enumerable.Range(0, labels.Count).ToArray();
        new Random(seed).Shuffle(order);
        var taken = new int[counts.Count];
        var chosen = new List<int>();
        foreach (var i in order)
        {
            int c = labels[i];
            if (c < 0 || c >= counts.Count) throw new InvalidDataException($"label {c} of sample {i} is outside [0, {counts.Count}).");
            if (taken[c] < counts[c])
            {
                taken[c]++;
                chosen.Add(i);
            }
        }
        for (int c = 0; c < counts.Count; c++)
            if (taken[c] < counts[c]) throw new InvalidDataException($"class {c} has {taken[c]} samples, fewer than the {counts[c]} the profile asks for.");
        chosen.Sort();
        return chosen.ToArray();
    }
}
