using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Focal loss (Lin et al. 2017), per position: α_y·(1 − p_y)^γ·(−log p_y), with the gradient flowing through p_y;
/// Mean divides by the number of valid positions. γ = 0 with no α is exactly cross-entropy.
/// </summary>
/// <remarks>The official recall-semseg code applies the focal factor to the batch-mean cross-entropy; this is the per-position definition.</remarks>
public class FocalLoss : Loss<Tensor, Tensor, Tensor>
{
    private readonly double[]? alpha;

    /// <param name="num_classes">C.</param>
    /// <param name="gamma">Focusing parameter γ ≥ 0.</param>
    /// <param name="alpha">Optional per-class weights α_c (length C, ≥ 0), held as the persistent buffer <c>weight</c> [C].</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean over valid positions, Sum, or None.</param>
    public FocalLoss(long num_classes, double gamma = 2.0, IReadOnlyList<double>? alpha = null, long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
        : base(reduction)
    {
        if (!(gamma >= 0) || !double.IsFinite(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be a finite number ≥ 0.");
        if (alpha is not null)
        {
            if (alpha.Count != num_classes) throw new ArgumentException($"alpha has {alpha.Count} entries but num_classes = {num_classes}.", nameof(alpha));
            if (alpha.Any(a => !(a >= 0))) throw new ArgumentException("every alpha must be ≥ 0.", nameof(alpha));
            this.alpha = alpha.ToArray();
            register_buffer(LossBuffers.Weight, LossBuffers.Create(this.alpha));
        }
        this.num_classes = num_classes;
        this.gamma = gamma;
        this.ignore_index = ignore_index;
    }

    /// <summary>C.</summary>
    public long num_classes { get; }

    /// <summary>γ.</summary>
    public double gamma { get; }

    /// <summary>Ignored target value.</summary>
    public long ignore_index { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        LossBuffers.CheckDevice(this, LossBuffers.Weight, input, nameof(FocalLoss));
        var t = InputValidation.CheckClassification(input, target, num_classes, ignore_index, nameof(FocalLoss));
        using var scope = NewDisposeScope();
        var ignored = t.eq(ignore_index);
        var safe = t.masked_fill(ignored, 0);
        var logP = input.log_softmax(1).gather(1, safe.unsqueeze(1)).squeeze(1);
        var per = -logP;
        if (gamma != 0) per = per * (1 - logP.exp()).clamp_min(1e-12).pow(gamma); // the floor keeps the gradient finite at p = 1 for γ < 1
        if (alpha is not null)
            per = per * Reductions.AtTargets(LossBuffers.For(this, LossBuffers.Weight, input, nameof(FocalLoss)), safe);
        per = per.masked_fill(ignored, 0);
        return Reductions.Reduce(per, reduction, ignored.logical_not().sum()).MoveToOuterDisposeScope();
    }
}
