namespace RecallKit.Vision.Data.Checks;

/// <summary>A kind of problem in a split: how many samples have it and the message of the first of them (in file order).</summary>
/// <param name="Kind">What is wrong, in words.</param>
/// <param name="Count">Samples with this problem.</param>
/// <param name="First">The full message for the first such sample.</param>
public sealed record DataProblem(string Kind, int Count, string First);

/// <summary>What reading every sample of a split once found.</summary>
/// <param name="Split">The split's name.</param>
/// <param name="Samples">Image/label pairs (segmentation) or images (classification) found.</param>
/// <param name="Encodings">Label encodings seen and how many files have each (segmentation).</param>
/// <param name="Widths">Image widths of the readable samples, sorted.</param>
/// <param name="Heights">Image heights of the readable samples, sorted.</param>
/// <param name="Counts">Pixels (segmentation) or images (classification) per class.</param>
/// <param name="Ignored">Pixels with the ignore label (segmentation).</param>
/// <param name="Problems">Each kind of problem with its first file.</param>
public sealed record SplitCheck(string Split, int Samples, IReadOnlyDictionary<string, int> Encodings, int[] Widths, int[] Heights,
    long[] Counts, long Ignored, IReadOnlyList<DataProblem> Problems)
{
    /// <summary>Share of ignored pixels among all pixels read.</summary>
    public double IgnoredShare => Ignored / Math.Max(1.0, Counts.Sum() + Ignored);

    /// <summary>Classes with no pixel (image) in this split.</summary>
    public IEnumerable<int> AbsentClasses => Enumerable.Range(0, Counts.Length).Where(c => Counts[c] == 0);

    /// <summary><c>min / median / max</c> of the image sizes, as W×H each.</summary>
    public string SizeSummary => Widths.Length == 0 ? "—"
        : $"{Widths[0]}×{Heights[0]} / {Widths[Widths.Length / 2]}×{Heights[Heights.Length / 2]} / {Widths[^1]}×{Heights[^1]} (W×H, each dimension sorted separately)";
}
