#pragma warning disable CS8981 // lower-case type name, as torch.nn.functional
namespace RecallKit.Losses;

public static partial class functional
{
    /// <summary>The rank of ignored positions in OHEM's ranking (last).</summary>
    private static readonly Scalar NegativeInfinity = double.NegativeInfinity.ToScalar();

    /// <summary>
    /// Online hard example mining cross-entropy (Shrivastava et al. 2016) over all valid positions of the batch. Ratio mode
    /// (<paramref name="threshold"/> null): the k = max(1, ⌊keep·#valid⌋, min_kept) positions with the largest cross-entropy (at
    /// most #valid). Threshold mode: the positions whose probability of the true class is below the threshold, and at least the
    /// min_kept hardest. Mean = mean of the kept losses; Sum = their sum; None = per position with 0 at discarded and ignored positions.
    /// </summary>
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="keep">Fraction of valid positions kept, in (0, 1] (ratio mode).</param>
    /// <param name="min_kept">Keep at least this many positions (≥ 0).</param>
    /// <param name="threshold">Probability threshold in (0, 1) for threshold mode; null for ratio mode.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean of kept, Sum of kept, or None.</param>
    public static Tensor ohem_cross_entropy(Tensor input, Tensor target, double keep = 0.7, long min_kept = 0, double? threshold = null,
        long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
    {
        LossArguments.Ohem(keep, min_kept, threshold);
        return ohem_cross_entropy(input, LossTargets.Check(input, target, null, ignore_index, nameof(ohem_cross_entropy)), keep, min_kept,
            threshold, reduction);
    }

    internal static Tensor ohem_cross_entropy(Tensor input, LossTargets targets, double keep, long min_kept, double? threshold, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        var per = nn.functional.cross_entropy(input, targets.Target, ignore_index: targets.IgnoreIndex, reduction: nn.Reduction.None);
        var flat = per.flatten();
        using var ignore = targets.IgnoreIndex.ToScalar();
        var validMask = targets.Target.ne(ignore).flatten();
        long valid = validMask.sum().item<long>();
        // All ignored: 0 (0-d for Mean/Sum, zeros shaped like the target for None) on the input's device and dtype, zero gradient.
        if (valid == 0) return Reductions.Reduce(per.mul(Scalars.Zero), reduction, validMask.sum()).MoveToOuterDisposeScope();
        Tensor keptMask;
        using (no_grad())
        {
            // Ignored positions rank last.
            var ranking = flat.detach().masked_fill(validMask.logical_not(), NegativeInfinity);
            long k = Math.Min(valid, Math.Max(Math.Max(1, (long)Math.Floor(keep * valid)), min_kept));
            if (threshold is { } th)
            {
                using var hardLoss = (-Math.Log(th)).ToScalar();
                var hard = flat.detach().gt(hardLoss).logical_and(validMask); // p_y < th  ⇔  CE > −log th
                long minimum = Math.Min(valid, Math.Max(1, min_kept));
                var top = ranking.topk((int)minimum).indexes;
                keptMask = hard.index_fill(0, top, Scalars.True);
            }
            else
            {
                var top = ranking.topk((int)k).indexes;
                keptMask = zeros_like(validMask).index_fill(0, top, Scalars.True);
            }
        }
        var kept = (flat * keptMask).view_as(per);
        return Reductions.Reduce(kept, reduction, keptMask.sum()).MoveToOuterDisposeScope();
    }
}
