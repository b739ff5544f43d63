using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Seesaw loss (Wang et al., "Seesaw Loss for Long-Tailed Instance Segmentation", CVPR 2021), computed as open-mmlab/mmpretrain's
/// <c>SeesawLoss</c> (softmax form): a mitigation factor from the cumulative samples per class and a compensation factor from
/// the detached softmax scale the logits of the non-target classes. See
/// <see cref="functional.seesaw_loss(Tensor, Tensor, Tensor, double, double, double, long, nn.Reduction, bool, Func{Tensor, Tensor})"/>.
/// </summary>
/// <remarks>
/// The cumulative samples are the persistent buffer <c>cum_samples</c> [C] (float64, so that pixel counts stay exact past 2^24;
/// mmpretrain's is float32), zero at construction. In training mode each forward first adds the batch's valid targets (summed
/// over the ranks by <see cref="count_reducer"/> in a data-parallel run), then computes the loss; in eval mode the buffer is only
/// read (mmpretrain has no eval mode: it always adds). Mean divides by the number of valid positions.
/// </remarks>
public class SeesawLoss : ClassificationLoss, IShardedLoss
{
    internal const string CumSamplesName = "cum_samples";

    /// <param name="num_classes">C.</param>
    /// <param name="p">Mitigation exponent p ≥ 0 (0.8 in the paper).</param>
    /// <param name="q">Compensation exponent q ≥ 0 (2 in the paper).</param>
    /// <param name="eps">Floor of the target probability in the compensation factor, &gt; 0.</param>
    /// <param name="ignore_index">Ignored target value (neither counted nor in the loss).</param>
    /// <param name="reduction">Mean over valid positions, Sum, or None (per position, 0 where ignored).</param>
    /// <param name="count_reducer">Applied to each batch's int64 counts per class [C] before they are added (e.g. an all-reduce).</param>
    public SeesawLoss(long num_classes, double p = 0.8, double q = 2.0, double eps = 0.01, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean, Func<Tensor, Tensor>? count_reducer = null) : base(num_classes, ignore_index, reduction)
    {
        if (num_classes < 1) throw new ArgumentOutOfRangeException(nameof(num_classes), num_classes, "num_classes must be at least 1.");
        LossArguments.Seesaw(p, q, eps);
        this.p = p;
        this.q = q;
        this.eps = eps;
        this.count_reducer = count_reducer;
        RegisterClassBuffer(CumSamplesName, LossBuffers.Zeros(num_classes));
    }

    /// <summary>Mitigation exponent.</summary>
    public double p { get; }

    /// <summary>Compensation exponent.</summary>
    public double q { get; }

    /// <summary>Floor of σ_y in the compensation factor.</summary>
    public double eps { get; }

    /// <summary>Optional reducer of the batch counts (data-parallel training).</summary>
    public Func<Tensor, Tensor>? count_reducer { get; }

    /// <summary>The cumulative samples per class [C], the registered buffer itself.</summary>
    public Tensor cum_samples => get_buffer(CumSamplesName)!;

    /// <summary>A mean over the valid positions when <c>cum_samples</c> is all-reduced (the same factors on every rank); averaged otherwise.</summary>
    public ShardCombination shard_combination => count_reducer is null ? ShardCombination.Average : ShardCombinations.OfPositionReduction(reduction);

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var targets = Targets(input, target);
        return functional.seesaw_loss(input, targets, cum_samples, p, q, eps, reduction, training, count_reducer);
    }
}
