namespace RecallKit.Vision.Data;

/// <summary>
/// The classes present in each image of a training split (labels in [0, C); the ignore id is not a class), for repeat-factor
/// sampling. Computed once and cached as <c>class_presence_&lt;split&gt;.json</c> beside the pixel counts
/// (<see cref="TrainingSplitCounts"/>), with the same fingerprint: recomputed when the split's files or description change.
/// </summary>
public static class ClassPresence
{
    /// <summary>The classes of each image of <paramref name="dataset"/>, from the cache in <paramref name="cacheDirectory"/> when valid.</summary>
    /// <param name="dataset">The training split.</param>
    /// <param name="cacheDirectory">Where <c>class_presence_&lt;split&gt;.json</c> is kept.</param>
    /// <param name="split">The split's name.</param>
    /// <param name="skip_bad_files">An image that cannot be read has no classes (training skips it), instead of an error.</param>
    public static int[][] Get(ISegmentationDataset dataset, string cacheDirectory, string split, bool skip_bad_files = false)
    {
        var path = Path.Combine(cacheDirectory, $"class_presence_{split}.json");
        var fingerprint = TrainingSplitCounts.Fingerprint(dataset, skip_bad_files);
        bool Valid(int[][] cached) =>
            cached.Length == dataset.Count && cached.All(c => c is not null && c.All(id => id >= 0 && id < dataset.Classes.Count));
        return FingerprintedCache.GetOrCompute(path, fingerprint, "Classes", Valid, () => Compute(dataset, skip_bad_files));
    }

    /// <summary>Decodes every label of the split: the ascending class ids present in each image.</summary>
    public static int[][] Compute(ISegmentationDataset dataset, bool skip_bad_files = false)
    {
        var classes = new int[dataset.Count][];
        int count = dataset.Classes.Count;
        OrderedParallel.For(dataset.Count, new ParallelOptions(), i =>
        {
            LabeledImage sample;
            try
            {
                sample = dataset.Load(i);
            }
            catch (Exception e) when (skip_bad_files && e is InvalidDataException or FileNotFoundException)
            {
                classes[i] = [];
                return;
            }
            var present = new bool[count];
            foreach (var label in sample.Labels)
                if (label >= 0 && label < count) present[label] = true;
            classes[i] = Enumerable.Range(0, count).Where(c => present[c]).ToArray();
        });
        return classes;
    }

    /// <summary>Images containing each class.</summary>
    public static long[] ImagesPerClass(IReadOnlyList<int[]> classes, int num_classes)
    {
        var counts = new long[num_classes];
        foreach (var image in classes)
            foreach (var c in image) counts[c]++;
        return counts;
    }
}
