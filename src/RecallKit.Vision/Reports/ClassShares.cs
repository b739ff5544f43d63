namespace RecallKit.Vision.Reports;

/// <summary>
/// How common each class is, and where that was counted: the training split's images when the runs recorded them
/// (classification), otherwise the evaluated (validation) split's pixels or images, which is what a segmentation run records.
/// Every figure and table that orders or annotates classes by frequency says which of the two it is.
/// </summary>
/// <param name="Counts">Per class, the pixels or images counted.</param>
/// <param name="Split">"training" or "validation".</param>
/// <param name="Unit">"pixels" or "images".</param>
internal sealed record ClassShares(long[] Counts, string Split, string Unit)
{
    /// <summary>The shares of the first run of a comparison (every run has the same classes and splits).</summary>
    /// <param name="run">The run.</param>
    /// <param name="unit">What its task counts per class: "pixels" or "images" (<see cref="TaskReport.CountedUnit"/>).</param>
    public static ClassShares Of(RunResults run, string unit)
    {
        var classes = run.Classes;
        return classes.Count > 0 && classes.All(c => c.TrainingSamples >= 0)
            ? new ClassShares(classes.Select(c => c.TrainingSamples).ToArray(), "training", unit)
            : new ClassShares(classes.Select(c => c.Pixels).ToArray(), "validation", unit);
    }

    /// <summary>The share of class <paramref name="c"/> in %.</summary>
    public double Percent(int c) => 100.0 * Counts[c] / Math.Max(1, Counts.Sum());

    /// <summary>Class indices, rarest first (ties by index).</summary>
    public int[] RareFirst() => Enumerable.Range(0, Counts.Length).OrderBy(c => Counts[c]).ThenBy(c => c).ToArray();

    /// <summary>Class indices, most frequent first (ties by index).</summary>
    public int[] FrequentFirst() => Enumerable.Range(0, Counts.Length).OrderByDescending(c => Counts[c]).ThenBy(c => c).ToArray();

    /// <summary>E.g. "share of the validation split's pixels".</summary>
    public string Description => $"share of the {Split} split's {Unit}";

    /// <summary>A short column header, e.g. "val. pixel share (%)".</summary>
    public string ColumnHeader => $"{(Split == "training" ? "train" : "val.")} {Unit.TrimEnd('s')} share (%)";
}
