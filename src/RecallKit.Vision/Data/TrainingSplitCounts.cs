namespace RecallKit.Vision.Data;

/// <summary>
/// Pixels per class over a training split, for the frequency-based losses. Computed once and cached as
/// <c>class_counts_&lt;split&gt;.json</c> next to the data, keyed by the split's sample count, first and last files and its
/// label fingerprint (every label file's name, size and time, and the dataset description); recomputed when any of them
/// changes. Never computed from validation data.
/// </summary>
public static class TrainingSplitCounts
{
    /// <summary>The counts of <paramref name="dataset"/>, from the cache in <paramref name="cacheDirectory"/> when valid.</summary>
    /// <param name="dataset">The training split.</param>
    /// <param name="cacheDirectory">Where <c>class_counts_&lt;split&gt;.json</c> is kept.</param>
    /// <param name="split">The split's name.</param>
    /// <param name="skip_bad_files">Leave out samples that cannot be read, as training does with <c>data.skip_bad_files</c>.</param>
    public static long[] Get(ISegmentationDataset dataset, string cacheDirectory, string split, bool skip_bad_files = false)
    {
        var path = Path.Combine(cacheDirectory, $"class_counts_{split}.json");
        var fingerprint = Fingerprint(dataset, skip_bad_files);
        return FingerprintedCache.GetOrCompute(path, fingerprint, "Counts", cached => cached.Length == dataset.Classes.Count,
            () => Compute(dataset, skip_bad_files));
    }

    /// <summary>
    /// What a cache of results computed from <paramref name="dataset"/>'s labels is keyed by: sample count, first and last
    /// files, class count, label fingerprint and whether bad files are skipped.
    /// </summary>
    internal static string Fingerprint(ISegmentationDataset dataset, bool skip_bad_files) =>
        $"{dataset.Count}|{dataset.Describe(0)}|{dataset.Describe(dataset.Count - 1)}|{dataset.Classes.Count}|{dataset.LabelFingerprint}|skip={skip_bad_files}";

    /// <summary>Counts labelled pixels per class by decoding every label of the split.</summary>
    /// <param name="dataset">The split.</param>
    /// <param name="skip_bad_files">Leave out samples that cannot be read instead of stopping at the first.</param>
    public static long[] Compute(ISegmentationDataset dataset, bool skip_bad_files = false)
    {
        var total = new long[dataset.Classes.Count];
        OrderedParallel.For(dataset.Count, new ParallelOptions(), () => new long[total.Length], (i, local) =>
        {
            LabeledImage sample;
            try
            {
                sample = dataset.Load(i);
            }
            catch (Exception e) when (skip_bad_files && e is InvalidDataException or FileNotFoundException)
            {
                return local;
            }
            foreach (var label in sample.Labels)
                if (label >= 0 && label < local.Length) local[label]++;
            return local;
        }, local =>
        {
            for (int c = 0; c < total.Length; c++) total[c] += local[c];
        });
        return total;
    }
}
