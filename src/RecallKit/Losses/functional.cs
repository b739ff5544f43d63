#pragma warning disable CS8981 // lower-case type name, as torch.nn.functional
namespace RecallKit.Losses;

/// <summary>
/// Functional forms of the losses, where their math lives (as <c>torch.nn.functional</c>); the loss modules hold the
/// hyper-parameters and buffers and call these. C is taken from dim 1 of the input. State (the EMA of the metric-weighted
/// losses) is passed in as tensors and updated in place, as <c>batch_norm</c> does with <c>running_mean</c>.
/// </summary>
/// <remarks>
/// Reductions: Mean divides by the number of valid positions unless stated, Sum adds, None gives the per-position losses
/// (0 at ignored positions). The set-function losses (<see cref="soft_iou_loss(Tensor, Tensor, LossClasses, double, long, nn.Reduction)"/>, <see cref="lovasz_softmax(Tensor, Tensor, LossClasses, bool, long, nn.Reduction)"/>) have no
/// per-position values and reject the reductions they do not support.
/// </remarks>
public static partial class functional
{
    /// <summary>The 1e-12 floor of the focal base 1 − p and of the soft IoU's denominator.</summary>
    private static readonly Scalar Epsilon = 1e-12.ToScalar();

    /// <summary>Cross-entropy with the library's checks: mean over valid positions, Sum, or None (per position, 0 where ignored).</summary>
    /// <param name="input">Logits [N,C] or [N,C,d…].</param>
    /// <param name="target">Integer class ids [N] or [N,d…].</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    public static Tensor cross_entropy(Tensor input, Tensor target, long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean) =>
        cross_entropy(input, LossTargets.Check(input, target, null, ignore_index, nameof(cross_entropy)), reduction);

    internal static Tensor cross_entropy(Tensor input, LossTargets targets, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        var per = nn.functional.cross_entropy(input, targets.Target, ignore_index: targets.IgnoreIndex, reduction: nn.Reduction.None);
        return Reductions.Reduce(per, reduction, targets.ValidCount()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Class-weighted cross-entropy w_y·CE. Mean with <see cref="WeightNormalization.WeightedMean"/>: Σ w_y·CE / Σ w_y over valid
    /// positions (PyTorch's <c>cross_entropy(weight)</c>); with <see cref="WeightNormalization.ValidMean"/>: Σ w_y·CE / #valid
    /// (the weights are used as given; the modules normalise them to Σ = C).
    /// </summary>
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="weight">Class weights [C] on the input's device (cast to its dtype).</param>
    /// <param name="weight_normalization">How the mean is taken.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    public static Tensor class_weighted_cross_entropy(Tensor input, Tensor target, Tensor weight,
        WeightNormalization weight_normalization = WeightNormalization.WeightedMean, long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var targets = Check(input, target, ignore_index, nameof(class_weighted_cross_entropy), (weight, nameof(weight)));
        return class_weighted_cross_entropy(input, targets, PerClass(weight, input), weight_normalization, reduction);
    }

    internal static Tensor class_weighted_cross_entropy(Tensor input, LossTargets targets, Tensor weight, WeightNormalization weight_normalization,
        nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        var per = nn.functional.cross_entropy(input, targets.Target, weight, targets.IgnoreIndex, nn.Reduction.None);
        var ignored = targets.Ignored;
        bool weightedMean = weight_normalization == WeightNormalization.WeightedMean;
        var denominator = weightedMean
            ? Reductions.AtTargets(weight, targets.Safe).masked_fill(ignored, Scalars.Zero).sum()
            : ignored.logical_not().sum();
        return Reductions.Reduce(per, reduction, denominator, weightedMean ? 1e-12 : 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Focal loss (Lin et al. 2017), per position α_y·(1 − p_y)^γ·(−log p_y) with the gradient through p_y; γ = 0 with no α
    /// is cross-entropy. Mean over valid positions, Sum, or None.
    /// </summary>
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="gamma">Focusing parameter γ ≥ 0.</param>
    /// <param name="weight">Optional α [C] on the input's device.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    public static Tensor focal_loss(Tensor input, Tensor target, double gamma = 2.0, Tensor? weight = null, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean)
    {
        LossArguments.Gamma(gamma);
        var targets = Check(input, target, ignore_index, nameof(focal_loss), (weight, nameof(weight)));
        return focal_loss(input, targets, gamma, PerClass(weight, input), reduction);
    }

    internal static Tensor focal_loss(Tensor input, LossTargets targets, double gamma, Tensor? weight, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        var ignored = targets.Ignored;
        var safe = targets.Safe;
        var logP = input.log_softmax(1).gather(1, safe.unsqueeze(1)).squeeze(1);
        var per = -logP;
        if (gamma != 0)
        {
            using var exponent = gamma.ToScalar();
            per = per * Scalars.OneMinus(logP.exp()).clamp_min(Epsilon).pow(exponent); // the floor keeps the gradient finite at p = 1 for γ < 1
        }
        if (weight is not null) per = per * Reductions.AtTargets(weight, safe);
        per = per.masked_fill(ignored, Scalars.Zero);
        return Reductions.Reduce(per, reduction, ignored.logical_not().sum()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Class-balanced loss (Cui et al. 2019) with the given class weights: Softmax = <see cref="class_weighted_cross_entropy(Tensor, Tensor, Tensor, WeightNormalization, long, nn.Reduction)"/>;
    /// Sigmoid and Focal = per position the sum over classes of one-vs-all binary cross-entropy (times the sigmoid focal factor
    /// (1 − p_t)^γ for Focal), times w_y; Mean divides by the number of valid positions.
    /// </summary>
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="weight">Class weights [C] on the input's device.</param>
    /// <param name="loss_type">Softmax, Focal or Sigmoid.</param>
    /// <param name="gamma">Focal γ ≥ 0 (Focal only).</param>
    /// <param name="weight_normalization">For Softmax: WeightedMean or ValidMean.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    public static Tensor class_balanced_loss(Tensor input, Tensor target, Tensor weight, ClassBalancedLossType loss_type = ClassBalancedLossType.Softmax,
        double gamma = 2.0, WeightNormalization weight_normalization = WeightNormalization.WeightedMean, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(weight);
        LossArguments.Gamma(gamma);
        var targets = Check(input, target, ignore_index, nameof(class_balanced_loss), (weight, nameof(weight)));
        return class_balanced_loss(input, targets, PerClass(weight, input), loss_type, gamma, weight_normalization, reduction);
    }

    internal static Tensor class_balanced_loss(Tensor input, LossTargets targets, Tensor weight, ClassBalancedLossType loss_type, double gamma,
        WeightNormalization weight_normalization, nn.Reduction reduction)
    {
        if (loss_type == ClassBalancedLossType.Softmax)
            return class_weighted_cross_entropy(input, targets, weight, weight_normalization, reduction);
        using var scope = NewDisposeScope();
        var ignored = targets.Ignored;
        var safe = targets.Safe;
        var oneHot = nn.functional.one_hot(safe, targets.NumClasses).movedim(new long[] { -1 }, new long[] { 1 }).to_type(input.dtype);
        var bce = nn.functional.binary_cross_entropy_with_logits(input, oneHot, reduction: nn.Reduction.None);
        if (loss_type == ClassBalancedLossType.Focal && gamma > 0)
        {
            // (1 − p_t)^γ for the sigmoid, written as in Cui et al.: exp(−γ·t·z − γ·log(1 + exp(−z))).
            using Scalar negativeGamma = (-gamma).ToScalar(), positiveGamma = gamma.ToScalar();
            // TorchSharp offers softplus only with double parameters, which it turns into temporary Scalars: no overload
            // takes held ones. Outside the trainer's no-collection region this call stays exposed (docs/architecture.md).
#pragma warning disable RK0001
            var softplus = nn.functional.softplus(-input);
#pragma warning restore RK0001
            var modulator = (oneHot.mul(negativeGamma) * input - softplus.mul(positiveGamma)).exp();
            bce = bce * modulator;
        }
        var w = Reductions.AtTargets(weight, safe).masked_fill(ignored, Scalars.Zero);
        var per = bce.sum(dim: 1) * w;
        return Reductions.Reduce(per, reduction, ignored.logical_not().sum()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// LDAM loss (Cao et al. 2019): cross-entropy on s·(z − m_y·e_y), optionally class-weighted (Mean then Σ w_y·CE / Σ w_y).
    /// </summary>
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="margins">Per-class margins m [C] on the input's device.</param>
    /// <param name="s">Logit scale, &gt; 0.</param>
    /// <param name="weight">Optional class weights [C] (deferred re-weighting).</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    public static Tensor ldam_loss(Tensor input, Tensor target, Tensor margins, double s = 30, Tensor? weight = null, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(margins);
        LossArguments.LdamScale(s);
        var targets = Check(input, target, ignore_index, nameof(ldam_loss), (margins, nameof(margins)), (weight, nameof(weight)));
        return ldam_loss(input, targets, PerClass(margins, input), s, PerClass(weight, input), reduction);
    }

    internal static Tensor ldam_loss(Tensor input, LossTargets targets, Tensor margins, double s, Tensor? weight, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        var safe = targets.Safe; // created in this scope: the cross-entropy below reads it too
        var margin = Reductions.AtTargets(margins, safe);
        var oneHot = nn.functional.one_hot(safe, targets.NumClasses).movedim(new long[] { -1 }, new long[] { 1 }).to_type(input.dtype);
        using var scale = s.ToScalar();
        var adjusted = (input - oneHot * margin.unsqueeze(1)).mul(scale);
        var result = weight is null
            ? cross_entropy(adjusted, targets, reduction)
            : class_weighted_cross_entropy(adjusted, targets, weight, WeightNormalization.WeightedMean, reduction);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Validates the input and targets of a functional form after checking that each per-class tensor is [C] on the input's
    /// device (before any host read of the input).
    /// </summary>
    private static LossTargets Check(Tensor input, Tensor target, long ignore_index, string loss, params (Tensor? values, string name)[] per_class)
    {
        foreach (var (values, name) in per_class)
            if (values is not null && (values.device_type != input.device_type || values.device_index != input.device_index))
                throw new ArgumentException($"{loss}: {name} is on {values.device} but input is on {input.device}.", name);
        var targets = LossTargets.Check(input, target, null, ignore_index, loss, check_range: false);
        foreach (var (values, name) in per_class)
            if (values is not null && (values.dim() != 1 || values.shape[0] != targets.NumClasses))
                throw new ArgumentException(
                    $"{loss}: {name} must be [{targets.NumClasses}] (one entry per class), got shape {InputValidation.Shape(values)}.", name);
        InputValidation.CheckTargetRange(targets.Target, targets.NumClasses, ignore_index, loss);
        return targets;
    }

    /// <summary>A per-class tensor in the input's dtype (a no-op when they match).</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(values))]
    private static Tensor? PerClass(Tensor? values, Tensor input) =>
        values is null || values.dtype == input.dtype ? values : values.to_type(input.dtype);
}
