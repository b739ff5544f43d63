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
/// epoch). Both are float64 and move and convert with <c>Module.to</c>. The math is <see cref="functional.ldam_loss(Tensor, Tensor, Tensor, double, Tensor, long, nn.Reduction)"/>.
/// </remarks>
public class LdamLoss : WeightedClassificationLoss
{
    private readonly double[] margins;
    private double[]? weights;

    /// <param name="class_counts">Training-set samples per class (length C).</param>
    /// <param name="max_m">Largest margin, ≥ 0 (0.5 in the paper).</param>
    /// <param name="s">Logit scale, &gt; 0 (30 in the reference code).</param>
    /// <param name="class_weights">Optional per-class weights (length C).</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    public LdamLoss(IReadOnlyList<long> class_counts, double max_m = 0.5, double s = 30, IReadOnlyList<double>? class_weights = null,
        long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
        : this(Margins(class_counts, max_m, s), max_m, s, class_weights, ignore_index, reduction)
    {
    }

    private LdamLoss(double[] margins, double max_m, double s, IReadOnlyList<double>? class_weights, long ignore_index, nn.Reduction reduction)
        : base(margins.Length, null, ignore_index, reduction, persistent_weight: false)
    {
        this.margins = margins;
        RegisterClassBuffer(LossBuffers.Margins, LossBuffers.Create(margins));
        this.max_m = max_m;
        this.s = s;
        this.class_weights = class_weights;
    }

    private static double[] Margins(IReadOnlyList<long> class_counts, double max_m, double s)
    {
        var counts = DatasetCountsValidation.Check(class_counts, class_counts?.Count ?? 0, nameof(LdamLoss));
        if (!(max_m >= 0)) throw new ArgumentOutOfRangeException(nameof(max_m), max_m, "max_m must be ≥ 0.");
        LossArguments.LdamScale(s);
        var raw = counts.Select(n => n > 0 ? Math.Pow(n, -0.25) : double.NaN).ToArray();
        double largest = raw.Where(double.IsFinite).Max();
        return raw.Select(r => double.IsFinite(r) ? max_m * r / largest : max_m).ToArray();
    }

    /// <summary>Largest margin.</summary>
    public double max_m { get; }

    /// <summary>Logit scale.</summary>
    public double s { get; }

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
            // A new buffer is created next to the margins, i.e. on the device and in the dtype the module was moved to.
            SetWeight(weights, get_buffer(LossBuffers.Margins)!, persistent: false);
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var targets = Targets(input, target);
        return functional.ldam_loss(input, targets, ClassBufferFor(LossBuffers.Margins, input)!, s, WeightFor(input), reduction);
    }
}
