using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Recall cross-entropy (paper Eq. 5–6): cross-entropy weighted per class by the false-negative rate
/// <c>1 − recall_c</c> of the current batch (batch mode) or of its exponential moving average (EMA mode).
/// </summary>
/// <example>
/// <code>
/// var loss = new RecallCrossEntropy(num_classes: 19, ignore_index: 255);
/// var value = loss.call(logits, labels);   // logits [N,19,H,W], labels int64 [N,H,W]
/// value.backward();
/// </code>
/// </example>
public class RecallCrossEntropy : MetricWeightedCrossEntropy
{
    /// <param name="num_classes">C, the size of dim 1 of the logits.</param>
    /// <param name="ema_alpha">α in (0,1] for the EMA of the recall (buffer <c>running_recall</c>); null for batch mode.</param>
    /// <param name="ignore_index">Target value of positions that take no part in the counts or the loss.</param>
    /// <param name="reduction">Mean (Σ w·CE / #valid), Sum, or None (per-position, 0 where ignored).</param>
    /// <param name="count_reducer">Applied to the flat per-class counts before the weights are computed (e.g. an all-reduce).</param>
    public RecallCrossEntropy(long num_classes, double? ema_alpha = null, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean, Func<Tensor, Tensor>? count_reducer = null)
        : base(num_classes, RegionMetric.Recall, ema_alpha, ignore_index, reduction, count_reducer)
    {
    }

    /// <summary>The EMA of the per-class recall [C] (float64), carried by <c>state_dict()</c> as <c>running_recall</c>.</summary>
    public Tensor running_recall => running_metric;
}
