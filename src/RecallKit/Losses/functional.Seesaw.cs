#pragma warning disable CS8981 // lower-case type name, as torch.nn.functional
namespace RecallKit.Losses;

public static partial class functional
{
    /// <summary>
    /// Seesaw loss (Wang et al., CVPR 2021) as open-mmlab/mmpretrain's <c>seesaw_ce_loss</c> computes it: cross-entropy on
    /// z_j + log S_{y,j} for j ≠ y, S_{y,j} = M_{y,j}·C_{y,j}, with the mitigation factor M_{y,j} = (N_j / N_y)^p where
    /// N_j &lt; N_y (else 1), N the cumulative samples per class (each clamped to ≥ 1), and the compensation factor
    /// C_{y,j} = (σ_j / max(σ_y, eps))^q where that ratio exceeds 1 (else 1), σ the softmax of the detached logits.
    /// Mean over valid positions, Sum, or None.
    /// </summary>
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="cum_samples">Cumulative samples per class [C] (floating, on the input's device); with <paramref name="training"/> the
    /// batch's valid targets are added to it in place before the loss is computed, as mmpretrain does.</param>
    /// <param name="p">Mitigation exponent p ≥ 0 (0 switches the factor off).</param>
    /// <param name="q">Compensation exponent q ≥ 0 (0 switches the factor off).</param>
    /// <param name="eps">Floor of σ_y in the compensation factor, &gt; 0.</param>
    /// <param name="ignore_index">Ignored target value (not counted, no loss).</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    /// <param name="training">Whether to add this batch to <paramref name="cum_samples"/> first.</param>
    /// <param name="count_reducer">Applied to the batch's int64 counts per class [C] before they are added (e.g. an all-reduce over the ranks).</param>
    public static Tensor seesaw_loss(Tensor input, Tensor target, Tensor cum_samples, double p = 0.8, double q = 2.0, double eps = 0.01,
        long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean, bool training = true, Func<Tensor, Tensor>? count_reducer = null)
    {
        ArgumentNullException.ThrowIfNull(cum_samples);
        LossArguments.Seesaw(p, q, eps);
        var targets = Check(input, target, ignore_index, nameof(seesaw_loss), (cum_samples, nameof(cum_samples)));
        if (!cum_samples.is_floating_point())
            throw new ArgumentException($"seesaw_loss: cum_samples must be a floating tensor (it is updated in place), got {cum_samples.dtype}.", nameof(cum_samples));
        return seesaw_loss(input, targets, cum_samples, p, q, eps, reduction, training, count_reducer);
    }

    internal static Tensor seesaw_loss(Tensor input, LossTargets targets, Tensor cum_samples, double p, double q, double eps, nn.Reduction reduction,
        bool training, Func<Tensor, Tensor>? count_reducer)
    {
        using var scope = NewDisposeScope();
        long c = targets.NumClasses;
        var ignored = targets.Ignored;
        var safe = targets.Safe;
        if (training) AccumulateSamples(cum_samples, safe, ignored, c, count_reducer);

        var logits = input.movedim(new long[] { 1 }, new long[] { -1 }).reshape(-1, c); // [P, C]
        var labels = safe.flatten();
        var weights = ones_like(logits);
        if (p > 0)
        {
            using var exponent = p.ToScalar();
            var n = PerClass(cum_samples, input).clamp_min(Scalars.One);
            var ratio = n.unsqueeze(0) / n.unsqueeze(1); // [i, j] = N_j / N_i
            var mitigation = where(ratio.lt(Scalars.One), ratio.pow(exponent), ones_like(ratio));
            weights = weights * mitigation.index_select(0, labels);
        }
        if (q > 0)
        {
            using var exponent = q.ToScalar();
            using var floor = eps.ToScalar();
            var scores = logits.detach().softmax(1);
            var self = scores.gather(1, labels.unsqueeze(1)).clamp_min(floor);
            var ratio = scores / self;
            weights = weights * where(ratio.gt(Scalars.One), ratio.pow(exponent), ones_like(ratio));
        }
        var onTarget = nn.functional.one_hot(labels, c).to_type(ScalarType.Bool);
        var adjusted = logits.add(weights.log().masked_fill(onTarget, Scalars.Zero), Scalars.One);
        var per = nn.functional.cross_entropy(adjusted, labels, reduction: nn.Reduction.None).view_as(safe).masked_fill(ignored, Scalars.Zero);
        return Reductions.Reduce(per, reduction, ignored.logical_not().sum()).MoveToOuterDisposeScope();
    }

    /// <summary>Adds the batch's valid targets per class (reduced across ranks by <paramref name="count_reducer"/>) to <paramref name="cum_samples"/>.</summary>
    private static void AccumulateSamples(Tensor cum_samples, Tensor safe, Tensor ignored, long num_classes, Func<Tensor, Tensor>? count_reducer)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var dump = num_classes.ToScalar();
        var counts = BatchConfusionCounts.Histogram(safe.masked_fill(ignored, dump).flatten(), num_classes + 1).narrow(0, 0, num_classes);
        if (count_reducer is not null)
        {
            counts = count_reducer(counts);
            if (counts.dim() != 1 || counts.shape[0] != num_classes)
                throw new InvalidOperationException(
                    $"count_reducer returned shape {InputValidation.Shape(counts)}; it must keep the shape [{num_classes}] it was given.");
        }
        cum_samples.add_(counts.to(cum_samples.dtype, cum_samples.device), Scalars.One);
    }
}
