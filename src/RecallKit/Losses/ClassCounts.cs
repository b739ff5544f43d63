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
/// The prediction is <c>argmax</c> over dim 1 with torch's rule: the first maximal class wins a tie.
/// </remarks>
internal static class ClassCounts
{
    /// <param name="log_probs">Detached log-probabilities [N,C,d…] (any per-position shift of the logits gives the same counts).</param>
    /// <param name="target_log_prob">Detached <c>log_probs</c> at the target, [N,d…].</param>
    /// <param name="safe_target">int64 targets [N,d…] with ignored positions replaced by 0.</param>
    /// <param name="ignored">Bool mask [N,d…] of ignored positions.</param>
    /// <param name="num_classes">C.</param>
    /// <param name="with_predictions">Also count predictions per class (metrics that use false positives).</param>
    public static Tensor Count(Tensor log_probs, Tensor target_log_prob, Tensor safe_target, Tensor ignored, long num_classes,
        bool with_predictions)
    {
        using var _ = no_grad();
        Tensor wrong;
        Tensor? prediction = null;
        if (with_predictions)
        {
            prediction = log_probs.max(1).indexes;
            wrong = prediction.ne(safe_target);
        }
        else
        {
            wrong = FirstArgMaxDiffers(log_probs, target_log_prob, safe_target);
        }
        // Ignored positions go to a dump bin past the end, so no boolean compaction (and no host sync) is needed.
        long dump = with_predictions ? 3 * num_classes : 2 * num_classes;
        var index = wrong.to_type(ScalarType.Int64).add_(safe_target, 2).masked_fill_(ignored, dump).flatten();
        if (prediction is not null)
            index = cat([index, prediction.add(2 * num_classes).masked_fill_(ignored, dump).flatten()]);
        return index.bincount(null, dump + 1).narrow(0, 0, dump);
    }

    /// <summary>
    /// Whether the first arg-max differs from the target without torch's (slow) arg-max kernel: a target below the row maximum
    /// (one vectorised <c>amax</c>) is wrong; a target at the maximum is right unless an earlier class ties with it. Ties are
    /// found by counting the classes at the maximum (one comparison pass); only tied positions whose target is not class 0
    /// (found with one host check, normally none) are resolved exactly, by an arg-max over their rows alone.
    /// </summary>
    private static Tensor FirstArgMaxDiffers(Tensor log_probs, Tensor target_log_prob, Tensor safe_target)
    {
        var max = log_probs.amax(new long[] { 1 }, keepdim: true);
        var targetAtMax = target_log_prob.eq(max.squeeze(1));
        var wrong = targetAtMax.logical_not();
        var countType = log_probs.shape[1] < 128 ? ScalarType.Int8 : ScalarType.Int32;
        var maxima = log_probs.eq(max).sum(new long[] { 1 }, false, countType);
        var ambiguous = targetAtMax.logical_and_(maxima.gt(1)).logical_and_(safe_target.gt(0));
        if (ambiguous.any().item<bool>())
            ResolveTies(log_probs, safe_target, wrong, ambiguous);
        return wrong;
    }

    private static void ResolveTies(Tensor log_probs, Tensor safe_target, Tensor wrong, Tensor ambiguous)
    {
        var rows = log_probs.dim() == 2 ? log_probs.unsqueeze(2) : log_probs.flatten(2); // [N,C,S]
        long spatial = rows.shape[2];
        var position = ambiguous.flatten().nonzero().squeeze(1);
        var sample = position.div(spatial, rounding_mode: RoundingMode.floor);
        var offset = position.remainder(spatial);
        var candidates = rows.permute(0, 2, 1).index(TensorIndex.Tensor(sample), TensorIndex.Tensor(offset)); // [K,C]
        var differs = candidates.argmax(1).ne(safe_target.flatten().index_select(0, position));
        wrong.view(-1).index_put_(differs, position);
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
