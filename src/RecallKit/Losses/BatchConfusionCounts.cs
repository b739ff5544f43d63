using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Per-class TP / FN (and, when needed, predicted) counts of one batch from a single histogram.
/// </summary>
/// <remarks>
/// Layout of the flat int64 tensor handed to a <c>count_reducer</c>: for each class c, <c>[2c] = TP_c</c>
/// (valid positions with target c predicted c) and <c>[2c+1] = FN_c</c> (target c predicted otherwise);
/// metrics that use false positives append <c>[2C + c] = #{valid positions predicted c}</c>.
/// All entries are sums over positions, so summing the tensors of several workers gives the global counts.
/// The prediction is <c>argmax</c> over dim 1 with torch's rule: the first maximal class wins a tie.
/// </remarks>
internal static class BatchConfusionCounts
{
    private static readonly Scalar MinusOne = (-1).ToScalar();

    /// <param name="log_probs">Detached log-probabilities [N,C,d…] (any per-position shift of the logits gives the same counts).</param>
    /// <param name="safe_target">int64 targets [N,d…] with ignored positions replaced by 0.</param>
    /// <param name="ignored">Bool mask [N,d…] of ignored positions.</param>
    /// <param name="num_classes">C.</param>
    /// <param name="with_predictions">Also count predictions per class (metrics that use false positives).</param>
    /// <remarks>No host sync: no boolean compaction, no data-dependent shape, no host read.</remarks>
    public static Tensor Count(Tensor log_probs, Tensor safe_target, Tensor ignored, long num_classes, bool with_predictions)
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
            wrong = FirstArgMaxDiffers(log_probs, safe_target);
        }
        // Ignored positions go to a dump bin past the end, so no boolean compaction (and no host sync) is needed.
        long dump = with_predictions ? 3 * num_classes : 2 * num_classes;
        using var dumpBin = dump.ToScalar();
        var index = wrong.to_type(ScalarType.Int64).add_(safe_target, Scalars.Two).masked_fill_(ignored, dumpBin).flatten();
        if (prediction is not null)
        {
            using var predictionOffset = (2 * num_classes).ToScalar();
            index = cat([index, prediction.add(predictionOffset, Scalars.One).masked_fill_(ignored, dumpBin).flatten()]);
        }
        return Histogram(index, dump + 1).narrow(0, 0, dump);
    }

    /// <summary>
    /// <c>bincount(index, minlength: length)</c> for indices known to lie in [0, length), without its host sync: on CUDA,
    /// <c>bincount</c> reads the input's minimum and maximum on the host; adding ones into a zero histogram of known length does not.
    /// </summary>
    internal static Tensor Histogram(Tensor index, long length) =>
        zeros(length, dtype: ScalarType.Int64, device: index.device)
            .index_add_(0, index, ones(1, dtype: ScalarType.Int64, device: index.device).expand(index.shape[0]), Scalars.One);

    /// <summary>
    /// Whether the first arg-max over dim 1 differs from the target, without torch's (slow) arg-max kernel and without a host
    /// read: each class at the row maximum (one vectorised <c>amax</c> and one comparison) gets the score C − c, the others 0,
    /// so the largest score (a second <c>amax</c>) is C minus the first maximal class — torch's tie rule, exactly. A row
    /// with a NaN has no class at its (NaN) maximum and counts as wrong.
    /// </summary>
    private static Tensor FirstArgMaxDiffers(Tensor log_probs, Tensor safe_target)
    {
        long c = log_probs.shape[1];
        // Scores are small integers, exact in float32; float (unlike int8 or a bool product) keeps both passes vectorised.
        var scoreType = log_probs.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var shape = Enumerable.Repeat(1L, (int)log_probs.dim()).ToArray();
        shape[1] = c;
        using var classCount = c.ToScalar();
        var score = arange(classCount, Scalars.Zero, MinusOne, dtype: scoreType, device: log_probs.device).view(shape); // C, C−1, …, 1
        var max = log_probs.amax(new long[] { 1 }, keepdim: true);
        var first = where(log_probs.eq(max), score, 0.0).amax(new long[] { 1 }); // C − first maximal class
        return first.ne(safe_target.neg().add_(classCount, Scalars.One));
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
