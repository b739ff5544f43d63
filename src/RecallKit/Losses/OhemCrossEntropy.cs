using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Online hard example mining cross-entropy (Shrivastava et al. 2016) over all valid positions of the batch.
/// Ratio mode (default, the paper keeps 70 %): the k = max(1, ⌊keep·#valid⌋, min_kept) positions with the largest
/// cross-entropy (at most #valid). Threshold mode (as in common segmentation toolkits): the positions whose probability of
/// the true class is below <c>threshold</c>, and at least the min_kept hardest. Mean = mean of the kept losses;
/// Sum = their sum; None = per-position loss with 0 at discarded and ignored positions. See
/// <see cref="functional.ohem_cross_entropy(Tensor, Tensor, double, long, double?, long, nn.Reduction)"/>.
/// </summary>
/// <remarks>The official recall-semseg code keeps the top-k along the image width; this ranks all valid positions together.</remarks>
public class OhemCrossEntropy : ClassificationLoss
{
    /// <param name="num_classes">C.</param>
    /// <param name="keep">Fraction of valid positions kept, in (0, 1] (ratio mode).</param>
    /// <param name="min_kept">Keep at least this many positions (≥ 0).</param>
    /// <param name="threshold">Probability threshold in (0, 1) for threshold mode; null for ratio mode.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean of kept, Sum of kept, or None.</param>
    public OhemCrossEntropy(long num_classes, double keep = 0.7, long min_kept = 0, double? threshold = null, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean) : base(num_classes, ignore_index, reduction)
    {
        LossArguments.Ohem(keep, min_kept, threshold);
        this.keep = keep;
        this.min_kept = min_kept;
        this.threshold = threshold;
    }

    /// <summary>Kept fraction (ratio mode).</summary>
    public double keep { get; }

    /// <summary>Minimum kept positions.</summary>
    public long min_kept { get; }

    /// <summary>Probability threshold, or null.</summary>
    public double? threshold { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target) =>
        functional.ohem_cross_entropy(input, Targets(input, target), keep, min_kept, threshold, reduction);
}
