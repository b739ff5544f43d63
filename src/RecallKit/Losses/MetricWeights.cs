using RecallKit.Runtime;
using TorchSharp;
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
            return Scalars.OneMinus(value).masked_fill(defined.logical_not(), Scalars.Zero);
        if (training)
        {
            using Scalar keep = (1 - alpha).ToScalar(), take = alpha.ToScalar();
            running!.copy_(where(defined, running.mul(keep).add(value.mul(take), Scalars.One), running));
        }
        return Scalars.OneMinus(running!);
    }

    /// <summary>
    /// <see cref="Compute"/> on the host from the fused kernel's counts, for a float64 (or, in batch mode, absent) EMA state:
    /// for C in the thousands (iNaturalist's 8,142) the dozen small libtorch ops of the tensor route cost as much as the
    /// kernel. Same float64 operations in the same order. Writes the weights into <paramref name="weight"/> (and the EMA
    /// state in place, a float64 CPU [C] tensor) and returns the number of valid positions (at least 1).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static double OnHost(RegionMetric metric, FusedKernel.Totals totals, Tensor? running, double? ema_alpha, bool training, Span<double> weight)
    {
        int c = totals.Classes;
        if (weight.Length != c) throw new ArgumentException($"{weight.Length} weights for {c} classes", nameof(weight));
        Tensor? state = null;
        Span<double> average = default;
        if (ema_alpha is not null)
        {
            state = running!.is_contiguous() ? running : running.contiguous();
            average = FusedMetricCrossEntropy.Doubles(state);
        }
        double valid = 0;
        for (int k = 0; k < c; k++)
        {
            double tp = totals.Tp[k], fn = totals.Fn[k], fp = totals.Predicted is null ? 0 : totals.Predicted[k] - tp;
            valid += tp + fn;
            double denominator = tp + fp * metric.Alpha + fn * metric.Beta;
            bool defined = denominator > 0;
            double value = defined ? tp / Math.Max(denominator, 1e-300) : 0;
            if (ema_alpha is not { } alpha) weight[k] = defined ? 1 - value : 0;
            else
            {
                if (training && defined) average[k] = average[k] * (1 - alpha) + value * alpha;
                weight[k] = 1 - average[k];
            }
        }
        if (state is not null && !ReferenceEquals(state, running))
        {
            if (training) running!.copy_(state);
            state.Dispose();
        }
        return Math.Max(1, valid);
    }
}
