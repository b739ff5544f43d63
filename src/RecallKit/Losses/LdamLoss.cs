using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// LDAM loss (Cao et al. 2019): label-distribution-aware margins m_c = max_m·n_c^{−1/4} / max_k n_k^{−1/4}; cross-entropy on
/// s·(z − m_y·e_y), optionally class-weighted (the deferred re-weighting of <see cref="DeferredReweighting"/>; set
/// <see cref="class_weights"/> per epoch). A class with count 0 gets the largest margin, max_m. Mean over valid positions
/// (weighted: Σ w_y·CE / Σ w_y, as PyTorch's weighted cross-entropy that the reference uses).
/// </summary>
/// <remarks>
/// The margins are the persistent buffer <c>margins</c> [C]; the class weights, when set, the non-persistent buffer
/// <c>weight</c> [C] (they follow the DRW schedule, not the training state, so a checkpoint's keys do not depend on the
/// epoch). Both are float64 and move and convert with <c>Module.to</c>.
/// </remarks>
public class LdamLoss : Loss<Tensor, Tensor, Tensor>
{
    private readonly double[] margins;

    /// <param name="class_counts">Training-set samples per class (length C).</param>
    /// <param name="max_m">Largest margin, ≥ 0 (0.5 in the paper).</param>
    /// <param name="s">Logit scale, &gt; 0 (30 in the reference code).</param>
    /// <param name="class_weights">Optional per-class weights (length C).</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    public LdamLoss(IReadOnlyList<long> class_counts, double max_m = 0.5, double s = 30, IReadOnlyList<double>? class_weights = null,
        long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean) : base(reduction)
    {
        var counts = DatasetCountsValidation.Check(class_counts, class_counts?.Count ?? 0, nameof(LdamLoss));
        if (!(max_m >= 0)) throw new ArgumentOutOfRangeException(nameof(max_m), max_m, "max_m must be ≥ 0.");
        if (!(s > 0)) throw new ArgumentOutOfRangeException(nameof(s), s, "s must be > 0.");
        var raw = counts.Select(n => n > 0 ? Math.Pow(n, -0.25) : double.NaN).ToArray();
        double largest = raw.Where(double.IsFinite).Max();
        margins = raw.Select(r => double.IsFinite(r) ? max_m * r / largest : max_m).ToArray();
        register_buffer(LossBuffers.Margins, LossBuffers.Create(margins));
        num_classes = counts.Length;
        this.max_m = max_m;
        this.s = s;
        this.ignore_index = ignore_index;
        this.class_weights = class_weights;
    }

    /// <summary>C.</summary>
    public long num_classes { get; }

    /// <summary>Largest margin.</summary>
    public double max_m { get; }

    /// <summary>Logit scale.</summary>
    public double s { get; }

    /// <summary>Ignored target value.</summary>
    public long ignore_index { get; }

    /// <summary>The per-class margins m_c.</summary>
    public IReadOnlyList<double> margins_per_class => margins;

    /// <summary>
    /// Per-class weights (null = unweighted); change them between epochs for DRW. Setting the values already in use does
    /// nothing; new values are copied into the <c>weight</c> buffer on the module's device.
    /// </summary>
    public IReadOnlyList<double>? class_weights
    {
        get => weights;
        set
        {
            if (value is not null && value.Count != num_classes)
                throw new ArgumentException($"class_weights has {value.Count} entries but there are {num_classes} classes.", nameof(value));
            if (value is null ? weights is null : weights is not null && value.SequenceEqual(weights)) return;
            weights = value?.ToArray();
            var old = get_buffer(LossBuffers.Weight);
            if (weights is null)
            {
                ConditionallyRegisterBuffer(LossBuffers.Weight, null, false);
                old?.Dispose();
            }
            else if (old is not null)
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                old.copy_(tensor(weights, dtype: ScalarType.Float64));
            }
            else
            {
                // Created next to the margins, i.e. on the device and in the dtype the module was moved to.
                using var scope = NewDisposeScope();
                var margin = get_buffer(LossBuffers.Margins)!;
                var created = tensor(weights, dtype: ScalarType.Float64).to(margin.dtype, margin.device).DetachFromDisposeScope();
                register_buffer(LossBuffers.Weight, created, persistent: false);
            }
        }
    }

    private double[]? weights;

    /// <summary>Converts the margins and the (non-persistent) weight buffer, then the rest as usual.</summary>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        LossBuffers.Convert(this, [(LossBuffers.Margins, true), (LossBuffers.Weight, false)], dtype, device, non_blocking, ConditionallyRegisterBuffer);
        base._toEpilog(dtype, device, non_blocking);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) get_buffer(LossBuffers.Weight)?.Dispose(); // non-persistent: the base class only disposes persistent buffers
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        LossBuffers.CheckDevice(this, LossBuffers.Margins, input, nameof(LdamLoss));
        LossBuffers.CheckDevice(this, LossBuffers.Weight, input, nameof(LdamLoss));
        var t = InputValidation.CheckClassification(input, target, num_classes, ignore_index, nameof(LdamLoss));
        using var scope = NewDisposeScope();
        var safe = t.masked_fill(t.eq(ignore_index), 0);
        var margin = Reductions.AtTargets(LossBuffers.For(this, LossBuffers.Margins, input, nameof(LdamLoss)), safe);
        var oneHot = nn.functional.one_hot(safe, num_classes).movedim(new long[] { -1 }, new long[] { 1 }).to_type(input.dtype);
        var adjusted = (input - oneHot * margin.unsqueeze(1)) * s;
        if (weights is null)
        {
            var per = nn.functional.cross_entropy(adjusted, t, ignore_index: ignore_index, reduction: nn.Reduction.None);
            return Reductions.Reduce(per, reduction, Reductions.ValidCount(t, ignore_index)).MoveToOuterDisposeScope();
        }
        var w = LossBuffers.For(this, LossBuffers.Weight, input, nameof(LdamLoss));
        return WeightedLoss.CrossEntropy(adjusted, t, w, ignore_index, reduction, WeightNormalization.WeightedMean).MoveToOuterDisposeScope();
    }
}
