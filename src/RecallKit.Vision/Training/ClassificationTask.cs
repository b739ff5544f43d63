using RecallKit.Losses;
using RecallKit.Metrics;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using RecallKit.Vision.Models.Classification;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>
/// Image classification: logits [N,C]; with an SDN network the loss is <see cref="DecoupledLoss"/> of (g's logits, h's
/// logits); LDAM switches to deferred re-weighting at <paramref name="drw_start_iteration"/>. Evaluation gives top-1, top-5,
/// per-class and many/medium/few-shot accuracy from per-class counts (no C×C matrix).
/// </summary>
/// <param name="network">The classifier.</param>
/// <param name="loss">Loss of (logits, labels), or a <see cref="DecoupledLoss"/> when the network is decoupled.</param>
/// <param name="classes">Class names.</param>
/// <param name="training_counts">Training samples per class (many/medium/few groups, DRW weights).</param>
/// <param name="drw_start_iteration">LDAM only: step from which class-balanced weights apply.</param>
public sealed class ClassificationTask(ClassificationNetwork network, nn.Module loss, DatasetClasses classes, IReadOnlyList<long> training_counts,
    int drw_start_iteration = int.MaxValue) : ITrainingTask
{
    // LDAM on a single head, or as head g's loss in an SDN network
    private readonly LdamLoss? ldam = loss as LdamLoss ?? (loss as DecoupledLoss)?.GLoss as LdamLoss;
    private readonly DeferredReweighting drw = new(training_counts, drw_start_iteration);

    /// <inheritdoc />
    public TaskKind Kind => TaskKind.Classification;

    /// <inheritdoc />
    public nn.Module Model => network;

    /// <inheritdoc />
    public nn.Module Loss => loss;

    /// <inheritdoc />
    public DatasetClasses Classes => classes;

    /// <inheritdoc />
    public IReadOnlyList<long>? TrainingCounts => training_counts;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => network.parameters().Where(p => p.requires_grad);

    /// <inheritdoc />
    public Tensor ComputeLoss(Tensor images, Tensor labels, int iteration)
    {
        if (ldam is not null) ldam.class_weights = drw.WeightsFor(iteration);
        var (h, g) = network.TrainingLogits(images);
        return (loss, g) switch
        {
            (DecoupledLoss decoupled, not null) => decoupled.call(g, h, labels),
            // a decoupling stage (cRT, LWS) on an SDN network trains head h only: g's logits are not used
            (nn.Module<Tensor, Tensor, Tensor> single, _) => single.call(h, labels),
            _ => throw new InvalidOperationException($"the loss is a {loss.GetType().Name} but the network has no SDN head g (model.head = sdn)."),
        };
    }

    /// <inheritdoc />
    public double[] LastClassWeights() => TaskWeights.Of(loss, classes.Count);

    /// <inheritdoc />
    public Evaluation Evaluate(IBatchSource source, Device device, CancellationToken cancellation, Func<Tensor, Tensor>? count_reducer = null) =>
        ClassificationEvaluator.Evaluate(network, source, classes.Count, device, training_counts, cancellation, count_reducer);
}

/// <summary>Top-1/top-5 and per-class counts of a classifier over a split.</summary>
public static class ClassificationEvaluator
{
    /// <summary>Evaluates <paramref name="model"/> (eval mode, restored afterwards).</summary>
    public static Evaluation Evaluate(nn.Module<Tensor, Tensor> model, IBatchSource source, int num_classes, Device device,
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
            var outside = target.lt(0).logical_or(target.ge(num_classes));
            if (outside.any().item<bool>())
                throw new InvalidDataException($"label {target.masked_select(outside)[0].item<long>()} is outside the {num_classes} classes.");
            var hit = prediction.eq(target);
            tp.add_(target.masked_select(hit).bincount(null, num_classes));
            gt.add_(target.bincount(null, num_classes));
            predicted.add_(prediction.bincount(null, num_classes));
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
        return new Evaluation(TaskKind.Classification, metrics, total > 0 ? (double)top5 / total : double.NaN, training_counts);
    }
}
