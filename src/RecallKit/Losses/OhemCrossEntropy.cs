using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Online hard example mining cross-entropy (Shrivastava et al. 2016) over all valid positions of the batch.
/// Ratio mode (default, the paper keeps 70 %): the k = max(1, ⌊keep·#valid⌋, min_kept) positions with the largest
/// cross-entropy (at most #valid). Threshold mode (as in common segmentation toolkits): the positions whose probability of
/// the true class is below <c>threshold</c>, and at least the min_kept hardest. Mean = mean of the kept losses;
/// Sum = their sum; None = per-position loss with 0 at discarded and ignored positions.
/// </summary>
/// <remarks>The official recall-semseg code keeps the top-k along the image width; this ranks all valid positions together.</remarks>
public class OhemCrossEntropy : Loss<Tensor, Tensor, Tensor>
{
    /// <param name="num_classes">C.</param>
    /// <param name="keep">Fraction of valid positions kept, in (0, 1] (ratio mode).</param>
    /// <param name="min_kept">Keep at least this many positions (≥ 0).</param>
    /// <param name="threshold">Probability threshold in (0, 1) for threshold mode; null for ratio mode.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean of kept, Sum of kept, or None.</param>
    public OhemCrossEntropy(long num_classes, double keep = 0.7, long min_kept = 0, double? threshold = null, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean) : base(reduction)
    {
        if (!(keep > 0 && keep <= 1)) throw new ArgumentOutOfRangeException(nameof(keep), keep, "keep must be in (0, 1].");
        if (min_kept < 0) throw new ArgumentOutOfRangeException(nameof(min_kept), min_kept, "min_kept must be ≥ 0.");
        if (threshold is { } th && !(th > 0 && th < 1)) throw new ArgumentOutOfRangeException(nameof(threshold), th, "threshold must be in (0, 1).");
        this.num_classes = num_classes;
        this.keep = keep;
        this.min_kept = min_kept;
        this.threshold = threshold;
        this.ignore_index = ignore_index;
    }

    /// <summary>C.</summary>
    public long num_classes { get; }

    /// <summary>Kept fraction (ratio mode).</summary>
    public double keep { get; }

    /// <summary>Minimum kept positions.</summary>
    public long min_kept { get; }

    /// <summary>Probability threshold, or null.</summary>
    public double? threshold { get; }

    /// <summary>Ignored target value.</summary>
    public long ignore_index { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var t = InputValidation.CheckClassification(input, target, num_classes, ignore_index, nameof(OhemCrossEntropy));
        using var scope = NewDisposeScope();
        var per = nn.functional.cross_entropy(input, t, ignore_index: ignore_index, reduction: nn.Reduction.None);
        var flat = per.flatten();
        var validMask = t.ne(ignore_index).flatten();
        long valid = validMask.sum().item<long>();
        // All ignored: 0 (0-d for Mean/Sum, zeros shaped like the target for None) on the input's device and dtype, zero gradient.
        if (valid == 0) return Reductions.Reduce(per * 0, reduction, validMask.sum()).MoveToOuterDisposeScope();
        Tensor keptMask;
        using (no_grad())
        {
            // Ignored positions rank last.
            var ranking = flat.detach().masked_fill(validMask.logical_not(), double.NegativeInfinity);
            long k = Math.Min(valid, Math.Max(Math.Max(1, (long)Math.Floor(keep * valid)), min_kept));
            if (threshold is { } th)
            {
                var hard = flat.detach().gt(-Math.Log(th)).logical_and(validMask); // p_y < th  ⇔  CE > −log th
                long minimum = Math.Min(valid, Math.Max(1, min_kept));
                var top = ranking.topk((int)minimum).indexes;
                keptMask = hard.index_fill(0, top, true);
            }
            else
            {
                var top = ranking.topk((int)k).indexes;
                keptMask = zeros_like(validMask).index_fill(0, top, true);
            }
        }
        var kept = (flat * keptMask).view_as(per);
        return Reductions.Reduce(kept, reduction, keptMask.sum()).MoveToOuterDisposeScope();
    }
}
