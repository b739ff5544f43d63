using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Focal loss (Lin et al. 2017), per position: α_y·(1 − p_y)^γ·(−log p_y), with the gradient flowing through p_y;
/// Mean divides by the number of valid positions. γ = 0 with no α is exactly cross-entropy. See <see cref="functional.focal_loss(Tensor, Tensor, double, Tensor, long, nn.Reduction)"/>.
/// </summary>
/// <remarks>The official recall-semseg code applies the focal factor to the batch-mean cross-entropy; this is the per-position definition.</remarks>
public class FocalLoss : WeightedClassificationLoss, IShardedLoss
{
    /// <param name="num_classes">C.</param>
    /// <param name="gamma">Focusing parameter γ ≥ 0.</param>
    /// <param name="alpha">Optional per-class weights α_c (length C, ≥ 0), held as the persistent buffer <c>weight</c> [C].</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean over valid positions, Sum, or None.</param>
    public FocalLoss(long num_classes, double gamma = 2.0, IReadOnlyList<double>? alpha = null, long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
        : base(num_classes, CheckAlpha(alpha, num_classes, gamma), ignore_index, reduction)
    {
        this.gamma = gamma;
    }

    /// <inheritdoc />
    public ShardCombination shard_combination => ShardCombinations.OfPositionReduction(reduction);

    private static IReadOnlyList<double>? CheckAlpha(IReadOnlyList<double>? alpha, long num_classes, double gamma)
    {
        LossArguments.Gamma(gamma);
        if (alpha is null) return null;
        if (alpha.Count != num_classes) throw new ArgumentException($"alpha has {alpha.Count} entries but num_classes = {num_classes}.", nameof(alpha));
        if (alpha.Any(a => !(a >= 0))) throw new ArgumentException("every alpha must be ≥ 0.", nameof(alpha));
        return alpha;
    }

    /// <summary>γ.</summary>
    public double gamma { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var targets = Targets(input, target);
        return functional.focal_loss(input, targets, gamma, WeightFor(input), reduction);
    }
}
