#pragma warning disable CS8981 // lower-case type name, as torch.nn.functional
namespace RecallKit.Losses;

public static partial class functional
{
    /// <summary>
    /// Logit-adjusted cross-entropy (Menon et al., ICLR 2021): cross-entropy on z + τ·log π. Mean over valid positions, Sum,
    /// or None.
    /// </summary>
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="log_prior">log π [C] on the input's device (log of the training-set class frequencies, <see cref="ClassPriors.LogPrior"/>).</param>
    /// <param name="tau">τ, a finite number.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    public static Tensor logit_adjusted_cross_entropy(Tensor input, Tensor target, Tensor log_prior, double tau = 1.0, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(log_prior);
        LossArguments.Tau(tau);
        var targets = Check(input, target, ignore_index, nameof(logit_adjusted_cross_entropy), (log_prior, nameof(log_prior)));
        return logit_adjusted_cross_entropy(input, targets, PerClass(log_prior, input), tau, reduction);
    }

    internal static Tensor logit_adjusted_cross_entropy(Tensor input, LossTargets targets, Tensor log_prior, double tau, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        using var scale = tau.ToScalar();
        return cross_entropy(AddPerClass(input, log_prior.mul(scale)), targets, reduction).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Balanced softmax cross-entropy (Ren et al., NeurIPS 2020): cross-entropy on z + log n. Mean over valid positions, Sum,
    /// or None.
    /// </summary>
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="log_counts">log n [C] on the input's device (log of the training-set samples per class, <see cref="ClassPriors.LogCounts"/>).</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    public static Tensor balanced_softmax_cross_entropy(Tensor input, Tensor target, Tensor log_counts, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(log_counts);
        var targets = Check(input, target, ignore_index, nameof(balanced_softmax_cross_entropy), (log_counts, nameof(log_counts)));
        return balanced_softmax_cross_entropy(input, targets, PerClass(log_counts, input), reduction);
    }

    internal static Tensor balanced_softmax_cross_entropy(Tensor input, LossTargets targets, Tensor log_counts, nn.Reduction reduction)
    {
        using var scope = NewDisposeScope();
        return cross_entropy(AddPerClass(input, log_counts), targets, reduction).MoveToOuterDisposeScope();
    }

    /// <summary>input + offset along dim 1 (offset [C] broadcast over N and d…).</summary>
    private static Tensor AddPerClass(Tensor input, Tensor offset)
    {
        var shape = Enumerable.Repeat(1L, (int)input.dim()).ToArray();
        shape[1] = offset.shape[0];
        return input.add(offset.view(shape), Scalars.One);
    }
}
