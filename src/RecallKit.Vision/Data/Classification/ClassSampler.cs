namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// The order of training samples in one epoch. Uniform: a permutation of every sample. Class-balanced / square-root:
/// as many draws as samples, each picking a class (uniformly / ∝ √n_c) and then one of its samples uniformly.
/// The order depends only on (seed, epoch).
/// </summary>
public static class ClassSampler
{
    /// <summary>Sample indices of <paramref name="epoch"/>.</summary>
    public static int[] Epoch(IReadOnlyList<int> labels, int num_classes, SamplerKind kind, int seed, int epoch)
    {
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
        var cumulative = new double[present.Length];
        double total = 0;
        for (int k = 0; k < present.Length; k++)
        {
            total += kind == SamplerKind.ClassBalanced ? 1 : Math.Sqrt(members[present[k]].Count);
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
}
