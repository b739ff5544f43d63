using RecallKit.Losses;
using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Metrics;

/// <summary>
/// Accumulates <c>hist[gt, pred]</c> over batches with one <c>bincount</c> per update (no per-pixel loops).
/// Positions whose ground truth is <c>ignore_index</c> are skipped; any other ground truth outside <c>[0, C)</c> is an error,
/// exactly as in the losses (same default <c>ignore_index</c> = −100), so metrics never silently drop labelled pixels.
/// </summary>
public sealed class ConfusionMatrix : IDisposable
{
    private Tensor hist;

    /// <param name="num_classes">C.</param>
    /// <param name="ignore_index">Ground-truth value that is never counted (as the losses' <c>ignore_index</c>; named in errors).</param>
    public ConfusionMatrix(int num_classes, long ignore_index = -100)
    {
        if (num_classes < 1) throw new ArgumentOutOfRangeException(nameof(num_classes), num_classes, "num_classes must be at least 1.");
        this.num_classes = num_classes;
        this.ignore_index = ignore_index;
        hist = zeros(new long[] { num_classes, num_classes }, ScalarType.Int64);
    }

    /// <summary>C.</summary>
    public int num_classes { get; }

    /// <summary>The ignored ground-truth value.</summary>
    public long ignore_index { get; }

    /// <summary>A copy of the int64 matrix [C, C], rows ground truth, columns prediction.</summary>
    public long[,] Matrix
    {
        get
        {
            var flat = hist.data<long>().ToArray();
            var m = new long[num_classes, num_classes];
            Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(long));
            return m;
        }
    }

    /// <summary>Adds a batch of predicted class ids and ground truth of the same shape.</summary>
    public void update(Tensor predictions, Tensor targets)
    {
        if (!predictions.shape.SequenceEqual(targets.shape))
            throw new ArgumentException(
                $"ConfusionMatrix.update: predictions shape {InputValidation.Shape(predictions)} differs from targets shape {InputValidation.Shape(targets)}.");
        if (!InputValidation.IsIntegral(predictions.dtype))
            throw new ArgumentException($"ConfusionMatrix.update: predictions must be integer class ids (argmax over C), got dtype {predictions.dtype}.");
        if (!InputValidation.IsIntegral(targets.dtype))
            throw new ArgumentException($"ConfusionMatrix.update: targets must be integer class ids, got dtype {targets.dtype}.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var gt = targets.to_type(ScalarType.Int64).flatten().cpu();
        var pred = predictions.to_type(ScalarType.Int64).flatten().cpu();
        using var ignore = ignore_index.ToScalar();
        var valid = gt.ne(ignore);
        gt = gt.masked_select(valid);
        if (gt.numel() == 0) return;
        var p = pred.masked_select(valid);
        // One host read for both range checks: min and max of the ground truth and of the predictions.
        var (gtMin, gtMax) = aminmax(gt);
        var (pMin, pMax) = aminmax(p);
        var bounds = stack([gtMin, gtMax, pMin, pMax]).data<long>().ToArray();
        foreach (var value in bounds[..2])
            if (value < 0 || value >= num_classes)
                throw new ArgumentException(
                    $"ConfusionMatrix.update: ground-truth class id {value} is outside [0, {num_classes}) and not ignore_index ({ignore_index}).");
        foreach (var value in bounds[2..])
            if (value < 0 || value >= num_classes)
                throw new ArgumentException($"ConfusionMatrix.update: prediction class id {value} is outside [0, {num_classes}).");
        using var classCount = num_classes.ToScalar();
        hist.add_(gt.mul(classCount).add(p, Scalars.One).bincount(null, (long)num_classes * num_classes).view(num_classes, num_classes), Scalars.One);
    }

    /// <summary>
    /// Adds a batch of logits [N, C, d…] (the prediction is their arg-max over C, torch's rule for ties and NaN) and ground truth
    /// [N, d…]. Same counts as <c>update(logits.argmax(1), targets)</c>; on the CPU one pass over the logits, without the
    /// intermediate prediction tensor.
    /// </summary>
    public void update_from_logits(Tensor logits, Tensor targets)
    {
        if (logits.dim() < 2 || logits.shape[1] != num_classes)
            throw new ArgumentException($"ConfusionMatrix.update_from_logits: logits {InputValidation.Shape(logits)} must be [N, {num_classes}, …].");
        var expected = logits.shape.Where((_, i) => i != 1).ToArray();
        if (!targets.shape.SequenceEqual(expected))
            throw new ArgumentException(
                $"ConfusionMatrix.update_from_logits: targets {InputValidation.Shape(targets)} must be [{string.Join(", ", expected)}] for logits {InputValidation.Shape(logits)}.");
        if (!ConfusionKernel.Supports(logits, targets))
        {
            using var predictions = logits.argmax(1);
            update(predictions, targets);
            return;
        }
        var counts = new long[num_classes * num_classes];
        if (ConfusionKernel.Count(logits, targets, ignore_index, counts, TorchThreads.Count) is { } bad)
            throw new ArgumentException($"ConfusionMatrix.update: ground-truth class id {bad} is outside [0, {num_classes}) and not ignore_index ({ignore_index}).");
        using var added = tensor(counts, [num_classes, num_classes]);
        hist.add_(added, Scalars.One);
    }

    /// <summary>Adds the counts of another matrix with the same number of classes (e.g. from another worker).</summary>
    public void merge(ConfusionMatrix other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.num_classes != num_classes)
            throw new ArgumentException($"ConfusionMatrix.merge: other has {other.num_classes} classes, this one {num_classes}.");
        hist.add_(other.hist, Scalars.One);
    }

    /// <summary>
    /// Replaces the counts by <paramref name="count_reducer"/>(counts), e.g. their sum over the ranks of a data-parallel run that
    /// each counted a part of the split (the same hook as the losses' <c>count_reducer</c>); int64 [C, C] in, int64 [C, C] out.
    /// </summary>
    public void reduce(Func<Tensor, Tensor> count_reducer)
    {
        ArgumentNullException.ThrowIfNull(count_reducer);
        var reduced = count_reducer(hist);
        if (ReferenceEquals(reduced, hist)) return;
        if (!reduced.shape.SequenceEqual(hist.shape) || reduced.dtype != ScalarType.Int64)
            throw new ArgumentException(
                $"ConfusionMatrix.reduce: the count_reducer returned {reduced.dtype} {InputValidation.Shape(reduced)}, expected Int64 [{num_classes}, {num_classes}].");
        hist.copy_(reduced);
    }

    /// <summary>Clears the counts.</summary>
    public void reset() => hist.zero_();

    /// <summary>All metrics of the accumulated counts; <paramref name="training_counts"/> adds many/medium/few-shot accuracy.</summary>
    public ConfusionMetrics compute(IReadOnlyList<long>? training_counts = null)
        => ConfusionMetrics.FromMatrix(Matrix, training_counts);

    /// <inheritdoc />
    public void Dispose() => hist.Dispose();
}
