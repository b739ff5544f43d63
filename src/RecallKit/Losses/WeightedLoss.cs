using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>The class-weighted cross-entropy shared by the frequency-based losses.</summary>
internal static class WeightedLoss
{
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="t">Validated int64 targets [N,d…].</param>
    /// <param name="w">Class weights [C] in the input's dtype, on its device.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean (per <paramref name="normalization"/>), Sum or None.</param>
    /// <param name="normalization">How the mean is taken.</param>
    public static Tensor CrossEntropy(Tensor input, Tensor t, Tensor w, long ignore_index, nn.Reduction reduction,
        WeightNormalization normalization)
    {
        using var scope = NewDisposeScope();
        var per = nn.functional.cross_entropy(input, t, w, ignore_index, nn.Reduction.None);
        var ignored = t.eq(ignore_index);
        Tensor denominator = normalization == WeightNormalization.WeightedMean
            ? Reductions.AtTargets(w, t.masked_fill(ignored, 0)).masked_fill(ignored, 0).sum()
            : ignored.logical_not().sum();
        return (normalization == WeightNormalization.WeightedMean && reduction == nn.Reduction.Mean
            ? per.sum() / denominator.clamp_min(1e-12)
            : Reductions.Reduce(per, reduction, denominator)).MoveToOuterDisposeScope();
    }
}
