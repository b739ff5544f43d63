#pragma warning disable CS8981 // lower-case type name, as torch.nn.functional
namespace RecallKit.Losses;

public static partial class functional
{
    /// <summary>
    /// Recall cross-entropy (paper Eq. 5–6): Σ_valid (1 − recall_{y_i})·CE_i, reduced as <paramref name="reduction"/>; the recall
    /// of the batch, or its EMA (<paramref name="ema_alpha"/> with <paramref name="running_recall"/>). See
    /// <see cref="metric_weighted_cross_entropy(Tensor, Tensor, RegionMetric, long, nn.Reduction, Func{Tensor, Tensor}, Tensor, bool, double?, Tensor, bool)"/>.
    /// </summary>
    /// <param name="input">Logits [N,C] or [N,C,d…].</param>
    /// <param name="target">Integer class ids [N] or [N,d…].</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean (Σ w·CE / #valid), Sum, or None (per position, 0 where ignored).</param>
    /// <param name="count_reducer">Applied to the flat per-class counts before the weights are computed (e.g. an all-reduce).</param>
    /// <param name="running_recall">EMA state [C], required with <paramref name="ema_alpha"/> (ignored in batch mode); updated in place when training.</param>
    /// <param name="training">Whether the EMA is updated (true) or only read.</param>
    /// <param name="ema_alpha">α in (0,1] of the EMA; null for batch mode.</param>
    /// <param name="last_weights">Optional [C] tensor that receives the weights used.</param>
    /// <param name="use_fused_kernel">Whether CPU float32/float64 input takes the fused kernel.</param>
    public static Tensor recall_cross_entropy(Tensor input, Tensor target, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean, Func<Tensor, Tensor>? count_reducer = null, Tensor? running_recall = null,
        bool training = false, double? ema_alpha = null, Tensor? last_weights = null, bool use_fused_kernel = true)
        => MetricWeighted(input, target, RegionMetric.Recall, ignore_index, reduction, count_reducer, running_recall, training, ema_alpha,
            last_weights, use_fused_kernel, nameof(recall_cross_entropy));

    /// <summary>
    /// Cross-entropy weighted per class by w_c = 1 − metric_c, the metric measured on the batch from arg-max predictions
    /// (paper §3.3–3.4): batch mode (<paramref name="ema_alpha"/> null) uses this batch's metric (a class whose metric is 0/0
    /// gets 0); EMA mode updates <paramref name="running_metric"/> in place when <paramref name="training"/>
    /// (m̄_c ← α·m_c + (1−α)·m̄_c for the classes whose metric is defined) and uses w_c = 1 − m̄_c.
    /// Mean is Σ_valid w_{y_i}·CE_i / #valid (#valid after <paramref name="count_reducer"/>); no valid position gives 0.
    /// </summary>
    /// <param name="input">Logits [N,C] or [N,C,d…].</param>
    /// <param name="target">Integer class ids [N] or [N,d…].</param>
    /// <param name="metric">The metric whose complement weights each class.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum, or None (per position, 0 where ignored).</param>
    /// <param name="count_reducer">Applied to the flat per-class counts before the weights are computed (e.g. an all-reduce).</param>
    /// <param name="running_metric">EMA state [C] on the input's device, required with <paramref name="ema_alpha"/> (ignored in batch mode).</param>
    /// <param name="training">Whether the EMA is updated (true) or only read.</param>
    /// <param name="ema_alpha">α in (0,1] of the EMA; null for batch mode.</param>
    /// <param name="last_weights">Optional [C] tensor that receives the weights used.</param>
    /// <param name="use_fused_kernel">Whether CPU float32/float64 input takes the fused kernel (same counts, loss and gradient within rounding).</param>
    public static Tensor metric_weighted_cross_entropy(Tensor input, Tensor target, RegionMetric metric, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean, Func<Tensor, Tensor>? count_reducer = null, Tensor? running_metric = null,
        bool training = false, double? ema_alpha = null, Tensor? last_weights = null, bool use_fused_kernel = true)
        => MetricWeighted(input, target, metric, ignore_index, reduction, count_reducer, running_metric, training, ema_alpha,
            last_weights, use_fused_kernel, nameof(metric_weighted_cross_entropy));

    private static Tensor MetricWeighted(Tensor input, Tensor target, RegionMetric metric, long ignore_index, nn.Reduction reduction,
        Func<Tensor, Tensor>? count_reducer, Tensor? running, bool training, double? ema_alpha, Tensor? last_weights, bool use_fused_kernel,
        string name)
    {
        ArgumentNullException.ThrowIfNull(metric);
        LossArguments.EmaAlpha(ema_alpha);
        if (ema_alpha is not null && running is null)
            throw new ArgumentException($"{name}: EMA mode (ema_alpha = {ema_alpha}) needs the running state tensor [C].", nameof(running));
        var state = ema_alpha is null ? null : running;
        foreach (var (values, label) in new[] { (state, "running state"), (last_weights, nameof(last_weights)) })
            if (values is not null && (values.device_type != input.device_type || values.device_index != input.device_index))
                throw new ArgumentException($"{name}: {label} is on {values.device} but input is on {input.device}.", nameof(input));
        var targets = LossTargets.Check(input, target, null, ignore_index, name, check_range: false);
        foreach (var (values, label) in new[] { (state, "running state"), (last_weights, nameof(last_weights)) })
            if (values is not null && (values.dim() != 1 || values.shape[0] != targets.NumClasses))
                throw new ArgumentException(
                    $"{name}: {label} must be [{targets.NumClasses}] (one entry per class), got shape {InputValidation.Shape(values)}.", nameof(input));
        return metric_weighted_cross_entropy(input, targets, metric, reduction, count_reducer, state, training, ema_alpha, last_weights, use_fused_kernel);
    }

    /// <remarks>The targets' range is checked here (by the kernel on the fused path), not by the caller.</remarks>
    internal static Tensor metric_weighted_cross_entropy(Tensor input, LossTargets targets, RegionMetric metric, nn.Reduction reduction,
        Func<Tensor, Tensor>? count_reducer, Tensor? running, bool training, double? ema_alpha, Tensor? last_weights, bool use_fused_kernel)
    {
        if (use_fused_kernel && FusedMetricCrossEntropy.Supports(input, targets.Target))
            return FusedMetricWeighted(input, targets, metric, reduction, count_reducer, running, training, ema_alpha, last_weights);
        using var scope = NewDisposeScope();
        var ignored = targets.Ignored;
        var safeTarget = targets.Safe;
        InputValidation.CheckSafeTargetRange(safeTarget, targets.NumClasses, targets.IgnoreIndex, targets.Loss);
        // One log_softmax serves both the loss and the counts; the gathered target entry is the per-position NLL.
        var logProbs = input.log_softmax(1);
        var targetLogProb = logProbs.gather(1, safeTarget.unsqueeze(1)).squeeze(1);
        Tensor negatedWeight, validCount;
        using (no_grad())
        {
            var withPredictions = metric.UsesFalsePositives;
            var counts = BatchConfusionCounts.Count(logProbs.detach(), safeTarget, ignored, targets.NumClasses, withPredictions);
            if (count_reducer is not null) counts = count_reducer(counts);
            var (tp, fp, fn, valid) = BatchConfusionCounts.Split(counts, targets.NumClasses, withPredictions);
            var w = MetricWeights.Compute(metric, tp, fp, fn, running, ema_alpha, training);
            last_weights?.copy_(w);
            negatedWeight = Reductions.AtTargets(w.to_type(input.dtype).neg_(), safeTarget).masked_fill_(ignored, Scalars.Zero);
            validCount = valid;
        }
        return Reductions.Reduce(targetLogProb * negatedWeight, reduction, validCount).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The fused CPU path: counts from one pass over the logits, then <c>count_reducer</c> and the weights exactly as the op
    /// path, then the loss from per-class sums (Mean / Sum) or per position (None).
    /// </summary>
    private static Tensor FusedMetricWeighted(Tensor input, LossTargets targets, RegionMetric metric, nn.Reduction reduction,
        Func<Tensor, Tensor>? count_reducer, Tensor? running, bool training, double? ema_alpha, Tensor? last_weights)
    {
        using var scope = NewDisposeScope();
        var withPredictions = metric.UsesFalsePositives;
        using var pass = FusedMetricCrossEntropy.Count(input, targets.Target, targets.IgnoreIndex, withPredictions);
        if (pass.BadTarget is { } bad)
            throw InputValidation.TargetOutOfRange(bad, targets.NumClasses, targets.IgnoreIndex, targets.Loss);
        Tensor weight;
        double validCount;
        if (count_reducer is null && (ema_alpha is null || running!.dtype == ScalarType.Float64))
        {
            weight = empty(targets.NumClasses, dtype: ScalarType.Float64);
            validCount = MetricWeights.OnHost(metric, pass.Totals, running, ema_alpha, training, FusedMetricCrossEntropy.Doubles(weight));
            last_weights?.copy_(weight);
            return FusedMetricCrossEntropy.Loss(input, pass, weight, validCount, reduction).MoveToOuterDisposeScope();
        }
        using (no_grad())
        {
            var counts = pass.Counts();
            if (count_reducer is not null) counts = count_reducer(counts);
            var (tp, fp, fn, valid) = BatchConfusionCounts.Split(counts, targets.NumClasses, withPredictions);
            var w = MetricWeights.Compute(metric, tp, fp, fn, running, ema_alpha, training);
            last_weights?.copy_(w);
            weight = FusedMetricCrossEntropy.ToHostDoubles(w);
            validCount = Math.Max(1, valid.cpu().item<double>());
        }
        return FusedMetricCrossEntropy.Loss(input, pass, weight, validCount, reduction).MoveToOuterDisposeScope();
    }
}
