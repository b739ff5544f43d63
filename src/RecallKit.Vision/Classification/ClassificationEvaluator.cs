using RecallKit.Metrics;
using RecallKit.Runtime;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Classification;

/// <summary>Top-1/top-5 and per-class counts of a classifier over a split.</summary>
public static class ClassificationEvaluator
{
    /// <summary>Evaluates <paramref name="model"/> (eval mode, restored afterwards).</summary>
    public static ClassificationEvaluation Evaluate(nn.Module<Tensor, Tensor> model, IBatchSource source, int num_classes, Device device,
        IReadOnlyList<long>? training_counts, CancellationToken cancellation = default, Func<Tensor, Tensor>? count_reducer = null)
    {
        using var tp = zeros(num_classes, ScalarType.Int64);
        using var gt = zeros(num_classes, ScalarType.Int64);
        using var predicted = zeros(num_classes, ScalarType.Int64);
        long top5 = 0;
        int k = Math.Min(5, num_classes);
        EvaluationPass.Run(model, source, device, cancellation, (logits, labels) =>
        {
            if (logits.ndim != 2 || logits.shape[1] != num_classes)
                throw new InvalidDataException($"the model returned logits of shape [{string.Join(",", logits.shape)}], expected [N,{num_classes}].");
            var (_, best) = logits.topk(k, dim: 1);
            var prediction = best.select(1, 0).cpu();
            var target = labels.cpu();
            using var classCount = num_classes.ToScalar();
            var outside = target.lt(Scalars.Zero).logical_or(target.ge(classCount));
            if (outside.any().item<bool>())
                throw new InvalidDataException($"label {target.masked_select(outside)[0].item<long>()} is outside the {num_classes} classes.");
            var hit = prediction.eq(target);
            tp.add_(target.masked_select(hit).bincount(null, num_classes), Scalars.One);
            gt.add_(target.bincount(null, num_classes), Scalars.One);
            predicted.add_(prediction.bincount(null, num_classes), Scalars.One);
            top5 += best.cpu().eq(target.unsqueeze(1)).any(1).sum().item<long>();
        });
        long[] tpCounts = tp.data<long>().ToArray(), gtCounts = gt.data<long>().ToArray(), predictedCounts = predicted.data<long>().ToArray();
        if (count_reducer is not null)
        {
            // One reduction for every count: [tp | gt | predicted | top-5 hits].
            using var all = tensor((long[])[.. tpCounts, .. gtCounts, .. predictedCounts, top5]);
            var reduced = count_reducer(all).data<long>().ToArray();
            tpCounts = reduced[..num_classes];
            gtCounts = reduced[num_classes..(2 * num_classes)];
            predictedCounts = reduced[(2 * num_classes)..(3 * num_classes)];
            top5 = reduced[3 * num_classes];
        }
        var metrics = ConfusionMetrics.FromCounts(tpCounts, gtCounts, predictedCounts, training_counts);
        long total = metrics.GroundTruthCounts.Sum();
        return new ClassificationEvaluation(metrics, total > 0 ? (double)top5 / total : double.NaN, training_counts);
    }
}
