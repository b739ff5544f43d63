namespace RecallKit.Losses;

/// <summary>Validation of dataset-level class counts passed to frequency-based losses.</summary>
internal static class DatasetCountsValidation
{
    public static long[] Check(IReadOnlyList<long>? class_counts, long num_classes, string loss)
    {
        if (class_counts is null)
            throw new ArgumentNullException(nameof(class_counts), $"{loss}: class_counts (training-set samples per class) are required.");
        if (class_counts.Count != num_classes)
            throw new ArgumentException(
                $"{loss}: class_counts has {class_counts.Count} entries but num_classes = {num_classes}.", nameof(class_counts));
        for (int c = 0; c < class_counts.Count; c++)
            if (class_counts[c] < 0)
                throw new ArgumentException($"{loss}: class_counts[{c}] = {class_counts[c]} is negative.", nameof(class_counts));
        if (class_counts.All(n => n == 0))
            throw new ArgumentException($"{loss}: every entry of class_counts is 0.", nameof(class_counts));
        return class_counts.ToArray();
    }
}
