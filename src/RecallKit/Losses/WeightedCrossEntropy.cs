using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>Cross-entropy weighted per class, reduced the paper's way (the mean divides by the number of valid positions).</summary>
internal static class WeightedCrossEntropy
{
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">int64 targets [N,d…].</param>
    /// <param name="weight">Per-class weights [C] in the dtype of <paramref name="input"/>, constant for autograd.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean, Sum or None.</param>
    /// <param name="valid_count">Number of non-ignored positions as a scalar tensor (avoids a host sync).</param>
    public static Tensor Compute(Tensor input, Tensor target, Tensor weight, long ignore_index, nn.Reduction reduction, Tensor valid_count)
    {
        switch (reduction)
        {
            case nn.Reduction.None:
                return nn.functional.cross_entropy(input, target, weight, ignore_index, nn.Reduction.None);
            case nn.Reduction.Sum:
                return nn.functional.cross_entropy(input, target, weight, ignore_index, nn.Reduction.Sum);
            default:
                var sum = nn.functional.cross_entropy(input, target, weight, ignore_index, nn.Reduction.Sum);
                return sum / valid_count.to_type(input.dtype).clamp_min(1);
        }
    }
}
