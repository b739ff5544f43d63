using TorchSharp;
using static TorchSharp.torch;

#pragma warning disable CS8981 // lower-case type name, as torch.nn.functional
namespace RecallKit.Losses;

/// <summary>Functional forms of the losses (batch mode, no state).</summary>
public static class functional
{
    /// <summary>Batch-mode recall cross-entropy: Σ_valid (1 − recall_{y_i})·CE_i, reduced as <paramref name="reduction"/>.</summary>
    public static Tensor recall_cross_entropy(Tensor input, Tensor target, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean, Func<Tensor, Tensor>? count_reducer = null)
        => metric_weighted_cross_entropy(input, target, RegionMetric.Recall, ignore_index, reduction, count_reducer);

    /// <summary>Batch-mode cross-entropy weighted by 1 − metric_c of the batch.</summary>
    public static Tensor metric_weighted_cross_entropy(Tensor input, Tensor target, RegionMetric metric, long ignore_index = -100,
        nn.Reduction reduction = nn.Reduction.Mean, Func<Tensor, Tensor>? count_reducer = null)
    {
        if (input.dim() < 2)
            throw new ArgumentException($"{metric} cross-entropy: input must be [N,C] or [N,C,d1,…], got shape {InputValidation.Shape(input)}.", nameof(input));
        // The buffers are created on the input's device: no host-device copy of the weights.
        using var loss = new MetricWeightedCrossEntropy(input.shape[1], metric, null, ignore_index, reduction, count_reducer, input.device);
        return loss.forward(input, target);
    }
}
