using System.Text.Json;

namespace RecallKit.Vision.Data;

/// <summary>
/// Pixels per class over a training split, for the frequency-based losses. Computed once and cached as
/// <c>class_counts_&lt;split&gt;.json</c> next to the data, keyed by the split's sample count, first and last files and its
/// label fingerprint (every label file's name, size and time, and the dataset description); recomputed when any of them
/// changes. Never computed from validation data.
/// </summary>
public static class TrainingSplitCounts
{
    private sealed record Cache(string Fingerprint, long[] Counts);

    /// <summary>The counts of <paramref name="dataset"/>, from the cache in <paramref name="cacheDirectory"/> when valid.</summary>
    public static long[] Get(ISegmentationDataset dataset, string cacheDirectory, string split)
    {
        var path = Path.Combine(cacheDirectory, $"class_counts_{split}.json");
        var fingerprint = $"{dataset.Count}|{dataset.Describe(0)}|{dataset.Describe(dataset.Count - 1)}|{dataset.Classes.Count}|{dataset.LabelFingerprint}";
        if (File.Exists(path))
        {
            try
            {
                var cached = JsonSerializer.Deserialize<Cache>(File.ReadAllText(path));
                if (cached is not null && cached.Fingerprint == fingerprint && cached.Counts.Length == dataset.Classes.Count) return cached.Counts;
            }
            catch (JsonException)
            {
                // a damaged cache is recomputed
            }
        }
        var counts = Compute(dataset);
        try
        {
            File.WriteAllText(path, JsonSerializer.Serialize(new Cache(fingerprint, counts)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // read-only dataset directory: the counts are still correct, just not cached
        }
        return counts;
    }

    /// <summary>Counts labelled pixels per class by decoding every label of the split.</summary>
    public static long[] Compute(ISegmentationDataset dataset)
    {
        var total = new long[dataset.Classes.Count];
        OrderedParallel.For(dataset.Count, new ParallelOptions(), () => new long[total.Length], (i, local) =>
        {
            foreach (var label in dataset.Load(i).Labels)
                if (label >= 0 && label < local.Length) local[label]++;
            return local;
        }, local =>
        {
            for (int c = 0; c < total.Length; c++) total[c] += local[c];
        });
        return total;
    }
}
