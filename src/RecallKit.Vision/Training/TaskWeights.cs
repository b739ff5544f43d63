using RecallKit.Losses;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>The last class weights of a loss, for logs.</summary>
internal static class TaskWeights
{
    public static double[] Of(nn.Module loss, int num_classes) => loss switch
    {
        MetricWeightedCrossEntropy weighted => weighted.last_weights.cpu().data<double>().ToArray(),
        DecoupledLoss { GLoss: MetricWeightedCrossEntropy g } => g.last_weights.cpu().data<double>().ToArray(),
        _ => Enumerable.Repeat(double.NaN, num_classes).ToArray(),
    };
}
