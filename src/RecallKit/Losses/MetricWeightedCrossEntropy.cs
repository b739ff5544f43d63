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
public class MetricWeightedCrossEntropy : Loss<Tensor, Tensor, Tensor>
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
        : this(num_classes, metric, ema_alpha, ignore_index, reduction, count_reducer, device: null)
    {
    }

    /// <summary>As the public constructor, with the buffers created directly on <paramref name="device"/> (the functional form).</summary>
    internal MetricWeightedCrossEntropy(long num_classes, RegionMetric metric, double? ema_alpha, long ignore_index,
        nn.Reduction reduction, Func<Tensor, Tensor>? count_reducer, Device? device) : base(reduction)
    {
        if (num_classes < 1)
            throw new ArgumentOutOfRangeException(nameof(num_classes), num_classes, "num_classes must be at least 1.");
        if (ema_alpha is { } a && !(a > 0 && a <= 1))
            throw new ArgumentOutOfRangeException(nameof(ema_alpha), a, "ema_alpha must be in (0, 1], or null for batch mode.");
        ArgumentNullException.ThrowIfNull(metric);
        this.num_classes = num_classes;
        this.metric = metric;
        this.ema_alpha = ema_alpha;
        this.ignore_index = ignore_index;
        this.count_reducer = count_reducer;
        register_buffer(RunningBufferName, LossBuffers.Zeros(num_classes, device));
        register_buffer(LastWeightsName, LossBuffers.Zeros(num_classes, device), persistent: false);
    }

    /// <summary>Number of classes C.</summary>
    public long num_classes { get; }

    /// <summary>The metric m in w_c = 1 − m_c.</summary>
    public RegionMetric metric { get; }

    /// <summary>EMA factor α, or null in batch mode.</summary>
    public double? ema_alpha { get; }

    /// <summary>Ignored target value.</summary>
    public long ignore_index { get; }

    /// <summary>Optional reducer of the counts (data-parallel training).</summary>
    public Func<Tensor, Tensor>? count_reducer { get; }

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

    // Looked up on every use: Module.to replaces registered buffers, so a field would keep the replaced tensor.
    private Tensor running => get_buffer(RunningBufferName)!;

    private Tensor last => get_buffer(LastWeightsName)!;

    /// <summary>Converts both buffers (TorchSharp's own conversion skips the non-persistent one), then the rest as usual.</summary>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        LossBuffers.Convert(this, [(RunningBufferName, true), (LastWeightsName, false)], dtype, device, non_blocking, ConditionallyRegisterBuffer);
        base._toEpilog(dtype, device, non_blocking);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) get_buffer(LastWeightsName)?.Dispose(); // non-persistent: the base class only disposes persistent buffers
        base.Dispose(disposing);
    }

    /// <summary>
    /// Whether CPU float32/float64 input takes the fused kernel (one pass over the logits for the counts and the loss, one
    /// for the gradient); true by default. Other devices and dtypes always take the libtorch-op path; both give the same
    /// counts and the same loss and gradient within float rounding.
    /// </summary>
    public bool use_fused_kernel { get; set; } = true;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var name = GetType().Name;
        var t = InputValidation.CheckClassification(input, target, num_classes, ignore_index, name, check_range: false);
        var (running, last) = (this.running, this.last);
        LossBuffers.CheckDevice(running, input, RunningBufferName, name);
        if (use_fused_kernel && FusedMetricCrossEntropy.Supports(input, t))
            return FusedForward(input, t, running, last, name);
        using var scope = NewDisposeScope();
        var ignored = t.eq(ignore_index);
        var safeTarget = t.masked_fill(ignored, 0);
        InputValidation.CheckSafeTargetRange(safeTarget, num_classes, ignore_index, name);
        // One log_softmax serves both the loss and the counts; the gathered target entry is the per-position NLL.
        var logProbs = input.log_softmax(1);
        var targetLogProb = logProbs.gather(1, safeTarget.unsqueeze(1)).squeeze(1);
        Tensor negatedWeight, validCount;
        using (no_grad())
        {
            var withPredictions = metric.UsesFalsePositives;
            var counts = BatchConfusionCounts.Count(logProbs.detach(), safeTarget, ignored, num_classes, withPredictions);
            if (count_reducer is not null) counts = count_reducer(counts);
            var (tp, fp, fn, valid) = BatchConfusionCounts.Split(counts, num_classes, withPredictions);
            var w = MetricWeights(tp, fp, fn, running);
            last.copy_(w);
            negatedWeight = Reductions.AtTargets(w.to_type(input.dtype).neg_(), safeTarget).masked_fill_(ignored, 0);
            validCount = valid.to_type(input.dtype).clamp_min_(1);
        }
        var perPosition = targetLogProb * negatedWeight;
        var result = reduction switch
        {
            nn.Reduction.None => perPosition,
            nn.Reduction.Sum => perPosition.sum(),
            _ => perPosition.sum() / validCount,
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The fused CPU path: counts from one pass over the logits, then <c>count_reducer</c> and the weights exactly as the op
    /// path, then the loss from per-class sums (Mean / Sum) or per position (None).
    /// </summary>
    private Tensor FusedForward(Tensor input, Tensor target, Tensor running, Tensor last, string name)
    {
        using var scope = NewDisposeScope();
        var withPredictions = metric.UsesFalsePositives;
        var pass = FusedMetricCrossEntropy.Count(input, target, ignore_index, withPredictions);
        if (pass.BadTarget is { } bad)
            throw InputValidation.TargetOutOfRange(bad, num_classes, ignore_index, name);
        double[] weight;
        double validCount;
        if (count_reducer is null && running.dtype == ScalarType.Float64)
        {
            // [C] arithmetic on the host: for C in the thousands (iNaturalist's 8,142) the dozen small libtorch ops of
            // the tensor route below cost as much as the kernel. Same float64 operations in the same order.
            (weight, validCount) = HostWeights(pass.Totals, running, last);
            return FusedMetricCrossEntropy.Loss(input, pass, weight, validCount, reduction).MoveToOuterDisposeScope();
        }
        using (no_grad())
        {
            var counts = pass.Counts();
            if (count_reducer is not null) counts = count_reducer(counts);
            var (tp, fp, fn, valid) = BatchConfusionCounts.Split(counts, num_classes, withPredictions);
            var w = MetricWeights(tp, fp, fn, running);
            last.copy_(w);
            weight = FusedMetricCrossEntropy.ToDoubles(w);
            validCount = Math.Max(1, valid.cpu().item<double>());
        }
        return FusedMetricCrossEntropy.Loss(input, pass, weight, validCount, reduction).MoveToOuterDisposeScope();
    }

    /// <summary><see cref="MetricWeights"/> on the host from the kernel's counts (float64 EMA state); also fills last_weights.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private (double[] weight, double valid) HostWeights(FusedKernel.Totals totals, Tensor running, Tensor last)
    {
        int c = totals.Tp.Length;
        var value = new double[c];
        var defined = new bool[c];
        double valid = 0;
        for (int k = 0; k < c; k++)
        {
            double tp = totals.Tp[k], fn = totals.Fn[k], fp = totals.Predicted is null ? 0 : totals.Predicted[k] - tp;
            valid += tp + fn;
            double denominator = tp + fp * metric.Alpha + fn * metric.Beta;
            defined[k] = denominator > 0;
            value[k] = defined[k] ? tp / Math.Max(denominator, 1e-300) : 0;
        }
        var weight = new double[c];
        if (ema_alpha is not { } alpha)
        {
            for (int k = 0; k < c; k++) weight[k] = defined[k] ? 1 - value[k] : 0;
        }
        else
        {
            var state = FusedMetricCrossEntropy.ToDoubles(running);
            if (training)
            {
                for (int k = 0; k < c; k++)
                    if (defined[k]) state[k] = state[k] * (1 - alpha) + value[k] * alpha;
                using var updated = tensor(state, dtype: ScalarType.Float64);
                running.copy_(updated);
            }
            for (int k = 0; k < c; k++) weight[k] = 1 - state[k];
        }
        using (var w = tensor(weight, dtype: ScalarType.Float64)) last.copy_(w);
        return (weight, Math.Max(1, valid));
    }

    /// <summary>w_c = 1 − metric_c from this batch (0 where the metric is 0/0), or 1 − its EMA after updating the EMA in training.</summary>
    private Tensor MetricWeights(Tensor tp, Tensor fp, Tensor fn, Tensor running)
    {
        var (value, defined) = metric.Compute(tp, fp, fn);
        if (ema_alpha is not { } alpha)
            return (1 - value).masked_fill(defined.logical_not(), 0);
        if (training)
            running.copy_(where(defined, running * (1 - alpha) + value * alpha, running));
        return 1 - running;
    }
}
