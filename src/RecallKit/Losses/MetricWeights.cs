using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// The class weights of the metric-weighted losses: w_c = 1 − metric_c of the batch (0 where the metric is 0/0), or, with an
/// EMA, 1 − m̄_c after updating m̄ in training (classes whose metric is defined in the batch only).
/// </summary>
internal static class MetricWeights
{
    /// <summary>The weights as a float64 tensor [C] from float64 counts; updates <paramref name="running"/> in place.</summary>
    public static Tensor Compute(RegionMetric metric, Tensor tp, Tensor fp, Tensor fn, Tensor? running, double? ema_alpha, bool training)
    {
        var (value, defined) = metric.Compute(tp, fp, fn);
        if (ema_alpha is not { } alpha)
            return (1 - value).masked_fill(defined.logical_not(), 0);
        if (training)
            running!.copy_(where(defined, running * (1 - alpha) + value * alpha, running));
        return 1 - running!;
    }

    /// <summary>
    /// <see cref="Compute"/> on the host from the fused kernel's counts, for a float64 (or, in batch mode, absent) EMA state:
    /// for C in the thousands (iNaturalist's 8,142) the dozen small libtorch ops of the tensor route cost as much as the
    /// kernel. Same float64 operations in the same order. Also returns the number of valid positions (at least 1).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static (double[] weight, double valid) OnHost(RegionMetric metric, FusedKernel.Totals totals, Tensor? running, double? ema_alpha, bool training)
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
            var state = FusedMetricCrossEntropy.ToDoubles(running!);
            if (training)
            {
                for (int k = 0; k < c; k++)
                    if (defined[k]) state[k] = state[k] * (1 - alpha) + value[k] * alpha;
                using var updated = tensor(state, dtype: ScalarType.Float64);
                running!.copy_(updated);
            }
            for (int k = 0; k < c; k++) weight[k] = 1 - state[k];
        }
        return (weight, Math.Max(1, valid));
    }
}
