namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// The order of training samples in one epoch. Uniform: a permutation of every sample. Class-balanced / square-root /
/// progressive: as many draws as samples, each picking a class (uniformly / ∝ √n_c / <see cref="ProgressiveWeights"/>) and then
/// one of its samples uniformly. The order depends only on (seed, epoch) (and, for progressive, the run's epoch count).
/// </summary>
public static class ClassSampler
{
    /// <summary>Sample indices of <paramref name="epoch"/>.</summary>
    /// <param name="labels">Class of every sample.</param>
    /// <param name="num_classes">C.</param>
    /// <param name="kind">The sampler.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">0-based epoch.</param>
    /// <param name="total_epochs">T, the epochs of the run (progressive only; ≥ 1).</param>
    public static int[] Epoch(IReadOnlyList<int> labels, int num_classes, SamplerKind kind, int seed, int epoch, int total_epochs = 0)
    {
        if (kind == SamplerKind.Progressive && total_epochs < 1)
            throw new ArgumentOutOfRangeException(nameof(total_epochs), total_epochs, "the progressive sampler needs the run's number of epochs (≥ 1).");
        var random = new Random(Seeds.Derive(seed, epoch));
        if (kind == SamplerKind.Uniform)
        {
            var order = Enumerable.Range(0, labels.Count).ToArray();
            random.Shuffle(order);
            return order;
        }
        var members = new List<int>[num_classes];
        for (int c = 0; c < num_classes; c++) members[c] = [];
        for (int i = 0; i < labels.Count; i++) members[labels[i]].Add(i);
        var present = Enumerable.Range(0, num_classes).Where(c => members[c].Count > 0).ToArray();
        var progressive = kind == SamplerKind.Progressive ? ProgressiveWeights(present.Select(c => (long)members[c].Count).ToArray(), epoch, total_epochs) : null;
        var cumulative = new double[present.Length];
        double total = 0;
        for (int k = 0; k < present.Length; k++)
        {
            total += kind switch
            {
                SamplerKind.ClassBalanced => 1,
                SamplerKind.Progressive => progressive![k],
                _ => Math.Sqrt(members[present[k]].Count),
            };
            cumulative[k] = total;
        }
        var draws = new int[labels.Count];
        for (int i = 0; i < draws.Length; i++)
        {
            int k = Array.BinarySearch(cumulative, random.NextDouble() * total);
            if (k < 0) k = ~k;
            var pool = members[present[Math.Min(k, present.Length - 1)]];
            draws[i] = pool[random.Next(pool.Count)];
        }
        return draws;
    }

    /// <summary>
    /// Kang et al. 2020's progressively-balanced class probabilities at <paramref name="epoch"/> t of T:
    /// p_j = (1 − t/T)·n_j/N + (t/T)/C over the classes given (t/T capped at 1 for epochs past T).
    /// </summary>
    /// <param name="counts">Samples of each class drawn from (all &gt; 0).</param>
    /// <param name="epoch">t, 0-based.</param>
    /// <param name="total_epochs">T ≥ 1.</param>
    public static double[] ProgressiveWeights(IReadOnlyList<long> counts, int epoch, int total_epochs)
    {
        double progress = Math.Min(1.0, (double)epoch / total_epochs);
        double n = counts.Sum();
        return counts.Select(c => (1 - progress) * c / n + progress / counts.Count).ToArray();
    }
}
