namespace RecallKit.Vision.Data;

/// <summary>A split of a segmentation dataset on disk: decoding happens in <see cref="Load"/>, which must be thread-safe.</summary>
public interface ISegmentationDataset
{
    /// <summary>Classes, palette and ignore id.</summary>
    DatasetClasses Classes { get; }

    /// <summary>Number of samples in this split.</summary>
    int Count { get; }

    /// <summary>The image and label files of sample <paramref name="index"/>, for messages.</summary>
    string Describe(int index);

    /// <summary>
    /// Changes whenever the labels this split yields may change (label files' names, sizes and times, and how they are
    /// decoded), so that results computed from them — the cached class counts — are reused only when still true.
    /// </summary>
    string LabelFingerprint => "";

    /// <summary>Decodes sample <paramref name="index"/> (labels already mapped to train ids). Thread-safe.</summary>
    LabeledImage Load(int index);
}
