using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>The reductions shared by the losses.</summary>
internal static class Reductions
{
    /// <summary>
    /// None: the per-position tensor; Sum: its sum; Mean: its sum divided by <paramref name="denominator"/> (at least
    /// <paramref name="minimum"/>, 1 for a count).
    /// </summary>
    public static Tensor Reduce(Tensor per_position, nn.Reduction reduction, Tensor denominator, double minimum = 1)
    {
        if (reduction == nn.Reduction.None) return per_position;
        if (reduction == nn.Reduction.Sum) return per_position.sum();
        using var floor = minimum.ToScalar();
        return per_position.sum() / denominator.to_type(per_position.dtype).clamp_min(floor);
    }

    /// <summary>Per-class values [C] looked up at every position of <paramref name="safe_target"/> (ignored positions already mapped to a class).</summary>
    public static Tensor AtTargets(Tensor class_values, Tensor safe_target) =>
        class_values.index_select(0, safe_target.flatten()).view_as(safe_target);

    /// <summary>
    /// For losses that support only some reductions (the set-function losses): an <see cref="ArgumentException"/> naming the
    /// loss, the reduction and what it supports.
    /// </summary>
    public static void Require(nn.Reduction reduction, string loss, params nn.Reduction[] supported)
    {
        if (!supported.Contains(reduction))
            throw new ArgumentException(
                $"{loss} does not support reduction {reduction}; it supports {string.Join(" and ", supported)}.", nameof(reduction));
    }
}
