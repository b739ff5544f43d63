using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>Plain cross-entropy with the same conventions and checks as the other losses (mean over valid positions); <see cref="functional.cross_entropy(Tensor, Tensor, long, nn.Reduction)"/>.</summary>
public class CrossEntropy : ClassificationLoss, IShardedLoss
{
    /// <param name="num_classes">C.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean over valid positions, Sum, or None (per position, 0 where ignored).</param>
    public CrossEntropy(long num_classes, long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
        : base(num_classes, ignore_index, reduction)
    {
    }

    /// <inheritdoc />
    /// <inheritdoc />
    public ShardCombination shard_combination => ShardCombinations.OfPositionReduction(reduction);

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target) => functional.cross_entropy(input, Targets(input, target), reduction);
}
