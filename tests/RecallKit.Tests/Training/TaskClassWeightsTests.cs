using RecallKit.Losses;
using RecallKit.Tests.Support;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

public class TaskClassWeightsTests
{
    [Fact]
    public void ATaskLogsNaNForALossWithoutClassWeights()
    {
        using var network = nn.Identity();
        using var loss = new CrossEntropy(2, 255);
        Assert.All(new SegmentationTask(network, loss, HookTestData.Classes).LastClassWeights(), w => Assert.True(double.IsNaN(w)));
    }

    [Fact]
    public void ATaskLogsTheWeightsItsLossApplies()
    {
        using var network = nn.Identity();
        using var loss = new CombinedLoss((0.5, new FrequencyWeightedCrossEntropy(2, [3, 1], ignore_index: 255)));
        Tensors.AllClose([0.5, 1.5], new SegmentationTask(network, loss, HookTestData.Classes).LastClassWeights(), 1e-15);
    }
}
