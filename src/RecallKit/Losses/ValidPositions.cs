using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>Flattens logits [N,C,d…] to rows [P,C] of the positions whose target is not <c>ignore_index</c>.</summary>
internal static class ValidPositions
{
    /// <returns>Logits [P,C] (differentiable, in the input's dtype) and int64 targets [P]; P may be 0.</returns>
    public static (Tensor logits, Tensor target) Select(Tensor input, Tensor target, long ignore_index)
    {
        long c = input.shape[1];
        var rows = input.dim() == 2 ? input : input.movedim(new long[] { 1 }, new long[] { -1 }).reshape(-1, c);
        var flat = target.reshape(-1);
        using var ignore = ignore_index.ToScalar();
        var keep = flat.ne(ignore).nonzero().squeeze(1);
        return (rows.index_select(0, keep), flat.index_select(0, keep));
    }

}
