using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>The per-class region metrics of the paper's Table 1, computed from TP, FP and FN counts.</summary>
public enum RegionMetricKind
{
    /// <summary>TP / (TP + FN): the recall loss.</summary>
    Recall,
    /// <summary>TP / (TP + FP): the paper's precision-loss ablation.</summary>
    Precision,
    /// <summary>2TP / (2TP + FP + FN).</summary>
    Dice,
    /// <summary>TP / (TP + FP + FN).</summary>
    Jaccard,
    /// <summary>TP / (TP + α·FP + β·FN).</summary>
    Tversky,
}

/// <summary>
/// A region metric that weights cross-entropy by <c>1 − metric_c</c>. Use the static members; Tversky takes (α, β).
/// </summary>
public sealed record RegionMetric
{
    /// <summary>The floor of the denominator in <see cref="Compute"/> (classes with a zero denominator are masked out).</summary>
    private static readonly Scalar SmallestDenominator = 1e-300.ToScalar();

    private RegionMetric(RegionMetricKind kind, double alpha, double beta)
    {
        Kind = kind;
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>Which metric.</summary>
    public RegionMetricKind Kind { get; }

    /// <summary>Weight of false positives in the denominator (Tversky α; 1 for Precision/Jaccard, 0.5 for Dice).</summary>
    public double Alpha { get; }

    /// <summary>Weight of false negatives in the denominator (Tversky β; 1 for Recall/Jaccard, 0.5 for Dice).</summary>
    public double Beta { get; }

    /// <summary>Recall, TP/(TP+FN).</summary>
    public static RegionMetric Recall { get; } = new(RegionMetricKind.Recall, 0, 1);

    /// <summary>Precision, TP/(TP+FP).</summary>
    public static RegionMetric Precision { get; } = new(RegionMetricKind.Precision, 1, 0);

    /// <summary>Dice, 2TP/(2TP+FP+FN).</summary>
    public static RegionMetric Dice { get; } = new(RegionMetricKind.Dice, 0.5, 0.5);

    /// <summary>Jaccard, TP/(TP+FP+FN).</summary>
    public static RegionMetric Jaccard { get; } = new(RegionMetricKind.Jaccard, 1, 1);

    /// <summary>Tversky index TP/(TP+α·FP+β·FN); α, β ≥ 0.</summary>
    public static RegionMetric Tversky(double alpha, double beta)
    {
        if (!(alpha >= 0) || !double.IsFinite(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Tversky α must be a finite number ≥ 0.");
        if (!(beta >= 0) || !double.IsFinite(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "Tversky β must be a finite number ≥ 0.");
        return new RegionMetric(RegionMetricKind.Tversky, alpha, beta);
    }

    /// <summary>Whether the metric depends on false positives (and so needs the predicted-class counts).</summary>
    internal bool UsesFalsePositives => Alpha != 0;

    /// <summary>
    /// Metric values and a mask of the classes where it is defined (denominator &gt; 0) from float64 counts.
    /// Every member is TP/(TP + α·FP + β·FN), Dice included (2TP/(2TP+FP+FN) = TP/(TP+½FP+½FN)).
    /// </summary>
    internal (Tensor value, Tensor defined) Compute(Tensor tp, Tensor fp, Tensor fn)
    {
        using Scalar alpha = Alpha.ToScalar(), beta = Beta.ToScalar();
        var denominator = tp.add(fp.mul(alpha), Scalars.One).add(fn.mul(beta), Scalars.One);
        var defined = denominator.gt(Scalars.Zero);
        var value = tp / denominator.clamp_min(SmallestDenominator);
        return (value.masked_fill(defined.logical_not(), Scalars.Zero), defined);
    }

    /// <summary>A short name for logs and file names: recall, precision, dice, jaccard, tversky.</summary>
    public override string ToString() => Kind.ToString().ToLowerInvariant();
}
