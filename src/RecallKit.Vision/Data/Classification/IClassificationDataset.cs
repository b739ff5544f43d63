namespace RecallKit.Vision.Data.Classification;

/// <summary>One split of an image classification dataset. Labels are known without decoding any image.</summary>
public interface IClassificationDataset
{
    /// <summary>Class names, index = class id.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Class id of every sample.</summary>
    IReadOnlyList<int> Labels { get; }

    /// <summary>Samples in the split.</summary>
    int Count => Labels.Count;

    /// <summary>Decodes sample <paramref name="index"/>; a bad file raises <see cref="InvalidDataException"/> naming it.</summary>
    RawImage Load(int index);

    /// <summary>The sample's file (or name), for messages.</summary>
    string Describe(int index);
}

/// <summary>Samples per class of a split.</summary>
public static class ClassificationDatasetExtensions
{
    /// <summary>How many samples of each class the split holds.</summary>
    public static long[] SamplesPerClass(this IClassificationDataset dataset)
    {
        var counts = new long[dataset.ClassNames.Count];
        foreach (var label in dataset.Labels) counts[label]++;
        return counts;
    }
}
