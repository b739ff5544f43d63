using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Recall cross-entropy with its weights blended with fixed ones, as some deployed recall-loss variants do:
/// w_c = λ·(1 − recall_c) + (1 − λ)·w_c^fixed, the fixed weights normalised to mean 1 (e.g. the class-balanced or
/// inverse-frequency weights of the training split); loss Σ_valid w_{y_i}·CE_i / #valid. λ = 1 is <see cref="RecallCrossEntropy"/>,
/// λ = 0 the fixed-weight cross-entropy averaged over valid positions.
/// </summary>
/// <remarks>
/// The recall part is a <see cref="RecallCrossEntropy"/> submodule <c>recall</c> (batch or EMA recall, its buffers in
/// <c>state_dict()</c> as <c>recall.running_recall</c>); the fixed weights are the persistent buffer <c>fixed_weight</c> [C].
/// Since w·CE is linear in w, the loss is λ·(recall loss) + (1 − λ)·(fixed-weight loss) position by position; Mean divides by the
/// number of valid positions after the <c>count_reducer</c> (the whole batch's in a data-parallel run), as the recall loss does.
/// </remarks>
public class BlendedRecallCrossEntropy : ClassificationLoss, IAppliedClassWeights, IShardedLoss
{
    internal const string FixedWeightName = "fixed_weight";
    private readonly RecallCrossEntropy recall;
    private readonly Func<Tensor, Tensor>? outerReducer;
    private Tensor? reducedValid;

    /// <param name="num_classes">C.</param>
    /// <param name="fixed_weights">The fixed class weights (length C, ≥ 0, not all 0); normalised here to mean 1.</param>
    /// <param name="recall_blend">λ in [0, 1], the share of the recall weights.</param>
    /// <param name="ema_alpha">α of the recall's EMA, or null for batch recall.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean over valid positions, Sum, or None (per position, 0 where ignored).</param>
    /// <param name="count_reducer">Applied to the recall's per-class counts (e.g. an all-reduce).</param>
    public BlendedRecallCrossEntropy(long num_classes, IReadOnlyList<double> fixed_weights, double recall_blend, double? ema_alpha = null,
        long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean, Func<Tensor, Tensor>? count_reducer = null)
        : base(num_classes, ignore_index, reduction)
    {
        ArgumentNullException.ThrowIfNull(fixed_weights);
        if (!(recall_blend >= 0 && recall_blend <= 1))
            throw new ArgumentOutOfRangeException(nameof(recall_blend), recall_blend, "recall_blend λ must be in [0, 1].");
        if (fixed_weights.Count != num_classes)
            throw new ArgumentException($"fixed_weights has {fixed_weights.Count} entries but num_classes = {num_classes}.", nameof(fixed_weights));
        for (int c = 0; c < fixed_weights.Count; c++)
            if (!(fixed_weights[c] >= 0) || !double.IsFinite(fixed_weights[c]))
                throw new ArgumentException($"fixed_weights[{c}] = {fixed_weights[c]} must be a finite number ≥ 0.", nameof(fixed_weights));
        this.recall_blend = recall_blend;
        this.fixed_weights = FrequencyWeights.NormaliseToClassCount(fixed_weights);
        outerReducer = count_reducer;
        recall = new RecallCrossEntropy(num_classes, ema_alpha, ignore_index, nn.Reduction.None, count_reducer is null ? null : Capture);
        register_module(nameof(recall), recall);
        RegisterClassBuffer(FixedWeightName, LossBuffers.Create(this.fixed_weights));
    }

    /// <summary>λ.</summary>
    public double recall_blend { get; }

    /// <summary>The fixed weights, normalised to mean 1.</summary>
    public IReadOnlyList<double> fixed_weights { get; }

    /// <summary>Optional reducer of the recall's counts (data-parallel training); Mean then divides by the reduced valid count.</summary>
    public Func<Tensor, Tensor>? count_reducer => outerReducer;

    /// <summary>The recall part (its EMA and last weights).</summary>
    public RecallCrossEntropy recall_loss => recall;

    /// <summary>λ·(1 − recall) of the last forward + (1 − λ)·fixed, on the host.</summary>
    public double[] applied_class_weights()
    {
        var recallWeights = recall.applied_class_weights();
        return recallWeights.Select((w, c) => recall_blend * w + (1 - recall_blend) * fixed_weights[c]).ToArray();
    }

    /// <summary>Passes the counts to the caller's reducer and keeps the reduced number of valid positions (Σ TP + FN).</summary>
    private Tensor Capture(Tensor counts)
    {
        var reduced = outerReducer!(counts);
        reducedValid?.Dispose();
        using (no_grad())
            reducedValid = reduced.narrow(0, 0, 2 * num_classes).sum().DetachFromDisposeScope();
        return reduced;
    }

    /// <summary>As the metric-weighted losses: summed when the recall counts are the whole batch's (a count reducer), averaged otherwise.</summary>
    public ShardCombination shard_combination => count_reducer is null ? ShardCombination.Average : ShardCombination.Sum;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var targets = Targets(input, target);
        using var scope = NewDisposeScope();
        using Scalar share = recall_blend.ToScalar(), rest = (1 - recall_blend).ToScalar();
        var recallPart = recall.call(input, target);
        var fixedPart = functional.class_weighted_cross_entropy(input, targets, ClassBufferFor(FixedWeightName, input)!, WeightNormalization.ValidMean,
            nn.Reduction.None);
        var per = recallPart.mul(share).add(fixedPart.mul(rest), Scalars.One);
        if (reduction == nn.Reduction.None) return per.MoveToOuterDisposeScope();
        if (reduction == nn.Reduction.Sum) return per.sum().MoveToOuterDisposeScope();
        var valid = outerReducer is null ? targets.ValidCount() : reducedValid!.to(per.device);
        return Reductions.Reduce(per, nn.Reduction.Mean, valid).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) reducedValid?.Dispose();
        base.Dispose(disposing);
    }
}
