using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Segmentation;

/// <summary>
/// Semantic segmentation: logits [N,C,H,W] at the label size, a per-pixel loss, confusion-matrix evaluation. With an
/// <see cref="AuxiliaryLoss"/> and a DeepLabV3+ that has the auxiliary head, training adds the weighted auxiliary term;
/// evaluation always uses the main logits only.
/// </summary>
/// <param name="network">Network producing logits at the label size.</param>
/// <param name="loss">Loss of (logits, labels).</param>
/// <param name="classes">Classes and ignore id.</param>
/// <param name="auxiliary">The main and auxiliary losses when the network trains an auxiliary head (its main loss is <paramref name="loss"/>).</param>
public sealed class SegmentationTask(nn.Module<Tensor, Tensor> network, nn.Module<Tensor, Tensor, Tensor> loss, DatasetClasses classes,
    AuxiliaryLoss? auxiliary = null) : ITrainingTask
{
    private readonly DeepLabV3Plus? auxiliaryNetwork = auxiliary is null ? null
        : network is DeepLabV3Plus { HasAuxiliaryHead: true } deeplab && auxiliary.Main == loss ? deeplab
        : throw new ArgumentException("an auxiliary loss needs a DeepLabV3+ built with its auxiliary head, and the task's loss as its main loss.");

    /// <inheritdoc />
    public IReadOnlyList<string> EvaluationColumns => SegmentationEvaluation.ColumnNames;

    /// <inheritdoc />
    public nn.Module Model => network;

    /// <inheritdoc />
    public nn.Module Loss => auxiliary is null ? loss : auxiliary;

    /// <inheritdoc />
    public DatasetClasses Classes => classes;

    /// <inheritdoc />
    public IReadOnlyList<long>? TrainingCounts => null;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => network.parameters().Where(p => p.requires_grad);

    /// <inheritdoc />
    public Tensor ComputeLoss(Tensor images, Tensor labels)
    {
        if (auxiliaryNetwork is null) return loss.call(network.call(images), labels);
        using var scope = NewDisposeScope();
        var (logits, auxiliaryLogits) = auxiliaryNetwork.ForwardWithAuxiliary(images);
        return auxiliary!.Compute(logits, auxiliaryLogits, labels).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public double[] LastClassWeights() => TaskWeights.Of(loss, classes.Count);

    /// <inheritdoc />
    public Evaluation Evaluate(IBatchSource source, Device device, CancellationToken cancellation, Func<Tensor, Tensor>? count_reducer = null)
    {
        using var matrix = SegmentationEvaluator.Evaluate(network, source, classes.Count, classes.IgnoreIndex, device, cancellation);
        if (count_reducer is not null) matrix.reduce(count_reducer);
        return new SegmentationEvaluation(matrix.compute());
    }
}
