using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Cross-entropy weighted per class by <c>1 − metric_c</c>, where the metric (recall, precision, Dice, Jaccard, Tversky)
/// is measured on the current batch from arg-max predictions (paper §3.3–3.4, Eq. 4–6).
/// </summary>
/// <remarks>
/// <para>Batch mode (<c>ema_alpha</c> null): <c>w_c = 1 − metric_c</c> of this batch; a class whose metric is 0/0 gets 0.</para>
/// <para>EMA mode: buffer <c>running_&lt;metric&gt;</c> [C] starts at 0; in training mode each class whose metric is defined
/// in the batch is updated <c>m̄_c ← α·m_c + (1−α)·m̄_c</c> before the loss uses <c>w_c = 1 − m̄_c</c>; in eval mode it is only read.</para>
/// <para>Mean reduction is Σ_valid w_{y_i}·CE_i / #valid; a batch with no valid position gives 0 with zero gradient.</para>
/// </remarks>
public class MetricWeightedCrossEntropy : ClassificationLoss, IAppliedClassWeights, IShardedLoss
{
    private const string LastWeightsName = "last_weights";

    /// <param name="num_classes">C, the size of dim 1 of the logits.</param>
    /// <param name="metric">The metric whose complement weights each class.</param>
    /// <param name="ema_alpha">α in (0,1] for the exponential moving average of the metric; null for batch mode.</param>
    /// <param name="ignore_index">Target value of positions that take no part in the counts or the loss.</param>
    /// <param name="reduction">Mean (Σ w·CE / #valid), Sum, or None (per-position, 0 where ignored).</param>
    /// <param name="count_reducer">Applied to the flat per-class counts before the weights are computed (e.g. an all-reduce).</param>
    public MetricWeightedCrossEntropy(long num_classes, RegionMetric metric, double? ema_alpha = null, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean, Func<Tensor, Tensor>? count_reducer = null)
        : base(num_classes, ignore_index, reduction)
    {
        if (num_classes < 1)
            throw new ArgumentOutOfRangeException(nameof(num_classes), num_classes, "num_classes must be at least 1.");
        LossArguments.EmaAlpha(ema_alpha);
        ArgumentNullException.ThrowIfNull(metric);
        this.metric = metric;
        this.ema_alpha = ema_alpha;
        this.count_reducer = count_reducer;
        RegisterClassBuffer(RunningBufferName, LossBuffers.Zeros(num_classes));
        RegisterClassBuffer(LastWeightsName, LossBuffers.Zeros(num_classes), persistent: false);
    }

    /// <summary>The metric m in w_c = 1 − m_c.</summary>
    public RegionMetric metric { get; }

    /// <summary>EMA factor α, or null in batch mode.</summary>
    public double? ema_alpha { get; }

    /// <summary>Optional reducer of the counts (data-parallel training).</summary>
    public Func<Tensor, Tensor>? count_reducer { get; }

    /// <summary>
    /// With a count reducer the weights come from the whole batch's counts and the mean divides by the whole batch's weight
    /// sum, so the shards' losses add up to the batch's: <see cref="ShardCombination.Sum"/>; without one the weights are the
    /// shard's own: <see cref="ShardCombination.Average"/>.
    /// </summary>
    public ShardCombination shard_combination => count_reducer is null ? ShardCombination.Average : ShardCombination.Sum;

    /// <summary>State-dict name of the EMA buffer: <c>running_recall</c>, <c>running_precision</c>, …</summary>
    public string RunningBufferName => "running_" + metric;

    /// <summary>
    /// The EMA state m̄ [C], the registered buffer itself (float64 unless the module was converted with <c>to(dtype)</c>);
    /// zeros in batch mode.
    /// </summary>
    public Tensor running_metric => running;

    /// <summary>
    /// The per-class weights used by the last forward, detached, [C] float64 (for weight curves, paper Fig. 1a/2c), on the
    /// module's device. Not part of <c>state_dict()</c>.
    /// </summary>
    public Tensor last_weights => last.dtype == ScalarType.Float64 ? last.detach() : last.detach().to_type(ScalarType.Float64);

    /// <summary><see cref="last_weights"/> on the host.</summary>
    public double[] applied_class_weights() => LossBuffers.HostValues(last);

    // Looked up on every use: Module.to replaces registered buffers, so a field would keep the replaced tensor.
    private Tensor running => get_buffer(RunningBufferName)!;

    private Tensor last => get_buffer(LastWeightsName)!;

    /// <summary>
    /// Whether CPU float32/float64 input takes the fused kernel (one pass over the logits for the counts and the loss, one
    /// for the gradient); true by default. Other devices and dtypes always take the libtorch-op path; both give the same
    /// counts and the same loss and gradient within float rounding.
    /// </summary>
    public bool use_fused_kernel { get; set; } = true;

    /// <summary>
    /// <see cref="functional.metric_weighted_cross_entropy(Tensor, Tensor, RegionMetric, long, nn.Reduction, Func{Tensor, Tensor}, Tensor, bool, double?, Tensor, bool)"/>
    /// with this module's EMA buffer (updated in training mode) and <c>last_weights</c> buffer.
    /// </summary>
    public override Tensor forward(Tensor input, Tensor target)
    {
        // The range is checked by the functional form (by the fused kernel's pass when it runs).
        var targets = Targets(input, target, check_range: false);
        return functional.metric_weighted_cross_entropy(input, targets, metric, reduction, count_reducer, ema_alpha is null ? null : running,
            ema_alpha is not null && training, ema_alpha, last, use_fused_kernel);
    }
}
