using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Online hard example mining for any per-position loss (open-mmlab/mmsegmentation's <c>OHEMPixelSampler</c>): the wrapped loss
/// (built with reduction None) gives a loss per position; <see cref="functional.ohem_pixel_weights(Tensor, Tensor, double?, long, long, Tensor)"/>
/// keeps the hard positions (target probability below <c>thresh</c>, at least <c>min_kept</c> per image; or, without
/// <c>thresh</c>, the <c>min_kept</c>·N largest losses) and the loss is their mean. So recall + OHEM is the recall loss wrapped
/// here: its class weights still come from every valid position of the batch, the sampler only selects which positions count.
/// </summary>
/// <remarks>
/// Mean divides by the number of kept positions (mmsegmentation divides by every position of the batch, kept or not, unless
/// <c>avg_non_ignore</c>); Sum adds the kept losses; None gives them per position, 0 where dropped or ignored.
/// </remarks>
public class OhemPixelSampler : ClassificationLoss, IAppliedClassWeights, ILossTermValues
{
    private readonly nn.Module<Tensor, Tensor, Tensor> inner;
    private readonly RecordedTermValues recorded = new();

    /// <param name="num_classes">C.</param>
    /// <param name="loss">A loss with one value per position (reduction None), e.g. <c>new RecallCrossEntropy(C, reduction: None)</c>.</param>
    /// <param name="thresh">Target-probability threshold in (0, 1), or null to keep the largest losses.</param>
    /// <param name="min_kept">Positions kept at least, per image.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean over kept positions, Sum, or None.</param>
    public OhemPixelSampler(long num_classes, nn.Module<Tensor, Tensor, Tensor> loss, double? thresh = null, long min_kept = 100000, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean) : base(num_classes, ignore_index, reduction)
    {
        ArgumentNullException.ThrowIfNull(loss);
        LossArguments.OhemSampler(thresh, min_kept);
        if (loss is ClassificationLoss { reduction: not nn.Reduction.None } reducing)
            throw new ArgumentException($"OhemPixelSampler: the wrapped {loss.GetType().Name} reduces with {reducing.reduction}; build it with reduction None (one loss per position).", nameof(loss));
        inner = loss;
        this.thresh = thresh;
        this.min_kept = min_kept;
        register_module("loss", loss);
    }

    /// <summary>Target-probability threshold, or null.</summary>
    public double? thresh { get; }

    /// <summary>Positions kept at least, per image.</summary>
    public long min_kept { get; }

    /// <summary>The wrapped loss's class weights (the weights are not changed by the sampling).</summary>
    public double[]? applied_class_weights() => (inner as IAppliedClassWeights)?.applied_class_weights();

    /// <summary>
    /// When the wrapped loss is a <see cref="CombinedLoss"/>: each term's value over the kept positions of the last call (reduced as
    /// this sampler reduces), [T]; a new tensor the caller disposes. Null otherwise, or with reduction None.
    /// </summary>
    public Tensor? last_term_values() => recorded.Copy();

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var targets = Targets(input, target);
        using var scope = NewDisposeScope();
        var combined = inner as CombinedLoss;
        var terms = combined?.term_values(input, target);
        var per = terms is null ? inner.call(input, target) : combined!.weighted_sum(terms);
        if (!per.shape.SequenceEqual(targets.Target.shape))
            throw new ArgumentException(
                $"OhemPixelSampler: the wrapped loss returned shape {InputValidation.Shape(per)}, expected one loss per position {InputValidation.Shape(targets.Target)} (reduction None).");
        var weight = functional.ohem_pixel_weights(input, targets, thresh, min_kept, thresh is null ? per : null);
        var kept = per * weight;
        if (terms is not null) recorded.Record(terms.Select(term => Reduce(term.detach() * weight, weight)).ToArray());
        return Reduce(kept, weight).MoveToOuterDisposeScope();
    }

    private Tensor Reduce(Tensor kept, Tensor weight) => reduction switch
    {
        nn.Reduction.None => kept,
        nn.Reduction.Sum => kept.sum(),
        _ => Reductions.Reduce(kept, nn.Reduction.Mean, weight.sum()),
    };

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) recorded.Dispose();
        base.Dispose(disposing);
    }
}
