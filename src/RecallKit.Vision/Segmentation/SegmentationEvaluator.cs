using RecallKit.Metrics;
using RecallKit.Vision.Data;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Segmentation;

/// <summary>Runs a model over a split and accumulates the confusion matrix of its arg-max predictions.</summary>
public static class SegmentationEvaluator
{
    /// <summary>Evaluates <paramref name="model"/> (switched to eval mode and back) on every batch of <paramref name="source"/>.</summary>
    public static ConfusionMatrix Evaluate(nn.Module<Tensor, Tensor> model, IBatchSource source, int num_classes, int ignore_index,
        Device device, CancellationToken cancellation = default)
    {
        var matrix = new ConfusionMatrix(num_classes, ignore_index);
        try
        {
            EvaluationPass.Run(model, source, device, cancellation, (logits, labels) => matrix.update_from_logits(logits, labels));
            return matrix;
        }
        catch
        {
            matrix.Dispose();
            throw;
        }
    }
}
