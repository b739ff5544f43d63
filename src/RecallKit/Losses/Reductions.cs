using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>The reductions shared by the losses.</summary>
internal static class Reductions
{
    /// <summary>None: the per-position tensor; Sum: its sum; Mean: its sum divided by <paramref name="denominator"/> (at least 1).</summary>
    public static Tensor Reduce(Tensor per_position, nn.Reduction reduction, Tensor denominator) => reduction switch
    {
        nn.Reduction.None => per_position,
        nn.Reduction.Sum => per_position.sum(),
        _ => per_position.sum() / denominator.to_type(per_position.dtype).clamp_min(1),
    };

    /// <summary>Number of non-ignored positions, as a tensor (no host sync).</summary>
    public static Tensor ValidCount(Tensor target, long ignore_index) => target.ne(ignore_index).sum();

    /// <summary>Per-class values [C] looked up at every position of <paramref name="safe_target"/> (ignored positions already mapped to a class).</summary>
    public static Tensor AtTargets(Tensor class_values, Tensor safe_target) =>
        class_values.index_select(0, safe_target.flatten()).view_as(safe_target);
}
