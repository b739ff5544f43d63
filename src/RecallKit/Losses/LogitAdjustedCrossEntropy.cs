using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Logit-adjusted cross-entropy (Menon et al., "Long-tail learning via logit adjustment", ICLR 2021, the loss form):
/// cross-entropy on z + τ·log π, π_c = n_c / Σn the training-set class prior. Every count must be &gt; 0.
/// </summary>
/// <remarks>
/// log π is the persistent buffer <c>log_prior</c> [C] (float64; <c>Module.to</c> moves and converts it). Mean over valid
/// positions. The math is <see cref="functional.logit_adjusted_cross_entropy(Tensor, Tensor, Tensor, double, long, nn.Reduction)"/>.
/// </remarks>
public class LogitAdjustedCrossEntropy : ClassificationLoss, IShardedLoss
{
    internal const string LogPriorName = "log_prior";

    /// <param name="num_classes">C.</param>
    /// <param name="class_counts">Training-set samples per class (length C, all &gt; 0).</param>
    /// <param name="tau">τ, a finite number (1 in the paper).</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean over valid positions, Sum, or None (per position, 0 where ignored).</param>
    public LogitAdjustedCrossEntropy(long num_classes, IReadOnlyList<long> class_counts, double tau = 1.0, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean) : base(num_classes, ignore_index, reduction)
    {
        LossArguments.Tau(tau);
        log_prior = ClassPriors.LogPrior(CheckLength(class_counts, num_classes), nameof(LogitAdjustedCrossEntropy));
        this.tau = tau;
        RegisterClassBuffer(LogPriorName, LossBuffers.Create(log_prior));
    }

    internal static IReadOnlyList<long> CheckLength(IReadOnlyList<long> class_counts, long num_classes)
    {
        ArgumentNullException.ThrowIfNull(class_counts);
        if (class_counts.Count != num_classes)
            throw new ArgumentException($"class_counts has {class_counts.Count} entries but num_classes = {num_classes}.", nameof(class_counts));
        return class_counts;
    }

    /// <summary>τ.</summary>
    public double tau { get; }

    /// <summary>log π_c.</summary>
    public IReadOnlyList<double> log_prior { get; }

    /// <inheritdoc />
    public ShardCombination shard_combination => ShardCombinations.OfPositionReduction(reduction);

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var targets = Targets(input, target);
        return functional.logit_adjusted_cross_entropy(input, targets, ClassBufferFor(LogPriorName, input)!, tau, reduction);
    }
}
