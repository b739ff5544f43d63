using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Balanced softmax cross-entropy (Ren et al., "Balanced Meta-Softmax for Long-Tailed Visual Recognition", NeurIPS 2020):
/// cross-entropy on z + log n_c. It equals <see cref="LogitAdjustedCrossEntropy"/> with τ = 1 (log n_c and log π_c differ by
/// the same log Σn in every class, which the softmax cancels). Every count must be &gt; 0.
/// </summary>
/// <remarks>
/// log n is the persistent buffer <c>log_counts</c> [C] (float64; <c>Module.to</c> moves and converts it). Mean over valid
/// positions. The math is <see cref="functional.balanced_softmax_cross_entropy(Tensor, Tensor, Tensor, long, nn.Reduction)"/>.
/// </remarks>
public class BalancedSoftmaxCrossEntropy : ClassificationLoss, IShardedLoss
{
    internal const string LogCountsName = "log_counts";

    /// <param name="num_classes">C.</param>
    /// <param name="class_counts">Training-set samples per class (length C, all &gt; 0).</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean over valid positions, Sum, or None (per position, 0 where ignored).</param>
    public BalancedSoftmaxCrossEntropy(long num_classes, IReadOnlyList<long> class_counts, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean) : base(num_classes, ignore_index, reduction)
    {
        log_counts = ClassPriors.LogCounts(LogitAdjustedCrossEntropy.CheckLength(class_counts, num_classes), nameof(BalancedSoftmaxCrossEntropy));
        RegisterClassBuffer(LogCountsName, LossBuffers.Create(log_counts));
    }

    /// <summary>log n_c.</summary>
    public IReadOnlyList<double> log_counts { get; }

    /// <inheritdoc />
    public ShardCombination shard_combination => ShardCombinations.OfPositionReduction(reduction);

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var targets = Targets(input, target);
        return functional.balanced_softmax_cross_entropy(input, targets, ClassBufferFor(LogCountsName, input)!, reduction);
    }
}
