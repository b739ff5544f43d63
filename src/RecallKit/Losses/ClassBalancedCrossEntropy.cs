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
/// <c>weight</c> [C] (float64; <c>Module.to</c> moves and converts it).
/// </remarks>
public class ClassBalancedCrossEntropy : Loss<Tensor, Tensor, Tensor>
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
        : base(reduction)
    {
        var counts = DatasetCountsValidation.Check(class_counts, num_classes, nameof(ClassBalancedCrossEntropy));
        if (!(gamma >= 0)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be ≥ 0.");
        this.beta = beta ?? FrequencyWeights.AutoBeta(counts);
        weights = FrequencyWeights.ClassBalanced(counts, this.beta);
        register_buffer(LossBuffers.Weight, LossBuffers.Create(weights));
        this.num_classes = num_classes;
        this.loss_type = loss_type;
        this.gamma = gamma;
        this.weight_normalization = weight_normalization;
        this.ignore_index = ignore_index;
    }

    /// <summary>C.</summary>
    public long num_classes { get; }

    /// <summary>The β in use (resolved when "auto").</summary>
    public double beta { get; }

    /// <summary>Loss family.</summary>
    public ClassBalancedLossType loss_type { get; }

    /// <summary>Focal γ.</summary>
    public double gamma { get; }

    /// <summary>Averaging of the softmax variant.</summary>
    public WeightNormalization weight_normalization { get; }

    /// <summary>Ignored target value.</summary>
    public long ignore_index { get; }

    /// <summary>The class weights (Σ = C).</summary>
    public IReadOnlyList<double> class_weights => weights;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var name = GetType().Name;
        LossBuffers.CheckDevice(this, LossBuffers.Weight, input, name);
        var t = InputValidation.CheckClassification(input, target, num_classes, ignore_index, name);
        using var scope = NewDisposeScope();
        var classWeights = LossBuffers.For(this, LossBuffers.Weight, input, name);
        if (loss_type == ClassBalancedLossType.Softmax)
            return WeightedLoss.CrossEntropy(input, t, classWeights, ignore_index, reduction, weight_normalization).MoveToOuterDisposeScope();
        var ignored = t.eq(ignore_index);
        var safe = t.masked_fill(ignored, 0);
        var oneHot = nn.functional.one_hot(safe, num_classes).movedim(new long[] { -1 }, new long[] { 1 }).to_type(input.dtype);
        var bce = nn.functional.binary_cross_entropy_with_logits(input, oneHot, reduction: nn.Reduction.None);
        if (loss_type == ClassBalancedLossType.Focal && gamma > 0)
        {
            // (1 − p_t)^γ for the sigmoid, written as in Cui et al.: exp(−γ·t·z − γ·log(1 + exp(−z))).
            var modulator = (-gamma * oneHot * input - gamma * nn.functional.softplus(-input)).exp();
            bce = bce * modulator;
        }
        var w = Reductions.AtTargets(classWeights, safe).masked_fill(ignored, 0);
        var per = bce.sum(dim: 1) * w;
        return Reductions.Reduce(per, reduction, ignored.logical_not().sum()).MoveToOuterDisposeScope();
    }
}
