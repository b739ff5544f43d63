using RecallKit.Losses;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>The class weights a loss applied in its last call, for logs.</summary>
internal static class TaskWeights
{
    /// <summary>The loss's <see cref="IAppliedClassWeights.applied_class_weights"/>; NaN for each class when it applies none.</summary>
    public static double[] Of(nn.Module loss, int num_classes) =>
        (loss as IAppliedClassWeights)?.applied_class_weights() ?? Enumerable.Repeat(double.NaN, num_classes).ToArray();
}
