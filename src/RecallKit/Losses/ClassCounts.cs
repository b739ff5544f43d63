using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Per-class TP / FN (and, when needed, predicted) counts of one batch from a single <c>bincount</c>.
/// </summary>
/// <remarks>
/// Layout of the flat int64 tensor handed to a <c>count_reducer</c>: for each class c, <c>[2c] = TP_c</c>
/// (valid positions with target c predicted c) and <c>[2c+1] = FN_c</c> (target c predicted otherwise);
/// metrics that use false positives append <c>[2C + c] = #{valid positions predicted c}</c>.
/// All entries are sums over positions, so summing the tensors of several workers gives the global counts.
/// The prediction is <c>argmax</c> over dim 1, which picks the first maximal class on ties.
/// </remarks>
internal static class ClassCounts
{
    public static Tensor Count(Tensor input, Tensor target, long num_classes, long ignore_index, bool with_predictions)
    {
        using var _ = no_grad();
        var valid = target.ne(ignore_index);
        var prediction = input.argmax(1);
        var wrong = prediction.ne(target).to_type(ScalarType.Int64);
        // Ignored positions go to a dump bin past the end, so no boolean compaction (and no host sync) is needed.
        long dump = with_predictions ? 3 * num_classes : 2 * num_classes;
        var index = (target * 2 + wrong).masked_fill(valid.logical_not(), dump).flatten();
        if (with_predictions)
        {
            var predicted = (prediction + 2 * num_classes).masked_fill(valid.logical_not(), dump).flatten();
            index = cat([index, predicted]);
        }
        return index.bincount(null, dump + 1).narrow(0, 0, dump);
    }

    /// <summary>Splits reduced counts into float64 TP, FP, FN and the valid-position count.</summary>
    public static (Tensor tp, Tensor fp, Tensor fn, Tensor valid) Split(Tensor counts, long num_classes, bool with_predictions)
    {
        long expected = (with_predictions ? 3 : 2) * num_classes;
        if (counts.dim() != 1 || counts.shape[0] != expected)
            throw new InvalidOperationException(
                $"count_reducer returned shape {InputValidation.Shape(counts)}; it must keep the shape [{expected}] it was given.");
        var c = counts.to_type(ScalarType.Float64);
        var pairs = c.narrow(0, 0, 2 * num_classes).view(num_classes, 2);
        var tp = pairs.select(1, 0);
        var fn = pairs.select(1, 1);
        var fp = with_predictions ? c.narrow(0, 2 * num_classes, num_classes) - tp : zeros_like(tp);
        return (tp, fp, fn, pairs.sum());
    }
}
