using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>Loss family of the class-balanced loss, as in Cui et al.'s code.</summary>
public enum ClassBalancedLossType
{
    /// <summary>Softmax cross-entropy weighted by w_y.</summary>
    Softmax,
    /// <summary>One-vs-all sigmoid focal loss: Σ_c w_y·(1 − p_t,c)^γ·BCE(z_c, [y = c]).</summary>
    Focal,
    /// <summary>One-vs-all sigmoid: Σ_c w_y·BCE(z_c, [y = c]).</summary>
    Sigmoid,
}

/// <summary>
/// Class-balanced loss (Cui et al. 2019, "Class-Balanced Loss Based on Effective Number of Samples"):
/// w_c = (1 − β)/(1 − β^{n_c}) normalised to Σ_c w_c = C, from training-set counts; β = null means "auto", (Σn − 1)/Σn.
/// </summary>
/// <remarks>
/// Softmax: as <see cref="FrequencyWeightedCrossEntropy"/> with these weights. Sigmoid and Focal: per position the sum over
/// classes of one-vs-all binary cross-entropy (with the focal factor for Focal), times w_y; Mean divides by the number of
/// valid positions (Cui et al. divide by Σ one-hot labels, the same number). The weights are the persistent buffer
/// <c>weight</c> [C] (float64; <c>Module.to</c> moves and converts it); the math is <see cref="functional.class_balanced_loss(Tensor, Tensor, Tensor, ClassBalancedLossType, double, WeightNormalization, long, nn.Reduction)"/>.
/// </remarks>
public class ClassBalancedCrossEntropy : WeightedClassificationLoss
{
    private readonly double[] weights;

    /// <param name="num_classes">C.</param>
    /// <param name="class_counts">Training-set samples per class, length C.</param>
    /// <param name="beta">β in [0, 1); null for (Σn − 1)/Σn.</param>
    /// <param name="loss_type">Softmax (default), Focal or Sigmoid.</param>
    /// <param name="gamma">Focal γ ≥ 0 (Focal only).</param>
    /// <param name="weight_normalization">For Softmax: WeightedMean or ValidMean.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    public ClassBalancedCrossEntropy(long num_classes, IReadOnlyList<long> class_counts, double? beta = 0.9999,
        ClassBalancedLossType loss_type = ClassBalancedLossType.Softmax, double gamma = 2.0,
        WeightNormalization weight_normalization = WeightNormalization.WeightedMean, long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
        : this(num_classes, Weights(num_classes, class_counts, beta, gamma), loss_type, gamma, weight_normalization, ignore_index, reduction)
    {
    }

    private ClassBalancedCrossEntropy(long num_classes, (double beta, double[] weights) resolved, ClassBalancedLossType loss_type, double gamma,
        WeightNormalization weight_normalization, long ignore_index, nn.Reduction reduction)
        : base(num_classes, resolved.weights, ignore_index, reduction)
    {
        beta = resolved.beta;
        weights = resolved.weights;
        this.loss_type = loss_type;
        this.gamma = gamma;
        this.weight_normalization = weight_normalization;
    }

    private static (double beta, double[] weights) Weights(long num_classes, IReadOnlyList<long> class_counts, double? beta, double gamma)
    {
        var counts = DatasetCountsValidation.Check(class_counts, num_classes, nameof(ClassBalancedCrossEntropy));
        LossArguments.Gamma(gamma);
        double b = beta ?? FrequencyWeights.AutoBeta(counts);
        return (b, FrequencyWeights.ClassBalanced(counts, b));
    }

    /// <summary>The β in use (resolved when "auto").</summary>
    public double beta { get; }

    /// <summary>Loss family.</summary>
    public ClassBalancedLossType loss_type { get; }

    /// <summary>Focal γ.</summary>
    public double gamma { get; }

    /// <summary>Averaging of the softmax variant.</summary>
    public WeightNormalization weight_normalization { get; }

    /// <summary>The class weights (Σ = C).</summary>
    public IReadOnlyList<double> class_weights => weights;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var targets = Targets(input, target);
        return functional.class_balanced_loss(input, targets, WeightFor(input)!, loss_type, gamma, weight_normalization, reduction);
    }
}
