using RecallKit.Losses;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;
using RecallKit.Vision.Training.Hooks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Classification;

/// <summary>
/// Image classification: logits [N,C]; with an SDN network the loss is <see cref="DecoupledLoss"/> of (g's logits, h's
/// logits); LDAM switches to deferred re-weighting at <paramref name="drw_start_iteration"/> (<see cref="DeferredReweightingHook"/>). Evaluation gives top-1, top-5,
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
    /// <inheritdoc />
    public IReadOnlyList<ITrainingHook> Hooks { get; } =
        // LDAM on a single head, or as head g's loss in an SDN network
        (loss as LdamLoss ?? (loss as DecoupledLoss)?.GLoss as LdamLoss) is { } ldam
            ? [new DeferredReweightingHook(ldam, new DeferredReweighting(training_counts, drw_start_iteration))]
            : [];

    /// <inheritdoc />
    public IReadOnlyList<string> EvaluationColumns => ClassificationEvaluation.ColumnNames;

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
    public Tensor ComputeLoss(Tensor images, Tensor labels)
    {
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
