using RecallKit.Losses;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>
/// How each loss's per-rank gradients combine in a data-parallel step, as the loss declares it (the trainer never looks at
/// loss types). The 2-rank equality of DistributedTrainingTests checks the declared combinations against one process.
/// </summary>
public sealed class ShardCombinationTests
{
    private static readonly Func<Tensor, Tensor> AllReduce = c => c;

    [Fact]
    public void MeansOverValidPositionsAreWeightedByThemAndSumsAreSummed()
    {
        using var mean = new CrossEntropy(3, ignore_index: 255);
        using var sum = new CrossEntropy(3, ignore_index: 255, reduction: nn.Reduction.Sum);
        using var none = new CrossEntropy(3, ignore_index: 255, reduction: nn.Reduction.None);
        using var focal = new FocalLoss(3, gamma: 2.0, ignore_index: 255);
        Assert.Equal(ShardCombination.ValidPositionMean, ShardCombinations.Of(mean));
        Assert.Equal(ShardCombination.Sum, ShardCombinations.Of(sum));
        Assert.Equal(ShardCombination.Average, ShardCombinations.Of(none));
        Assert.Equal(ShardCombination.ValidPositionMean, ShardCombinations.Of(focal));
    }

    [Fact]
    public void AMetricWeightedLossIsSummedOnlyWhenItsCountsAreTheWholeBatchs()
    {
        using var global = new RecallCrossEntropy(3, ignore_index: 255, count_reducer: AllReduce);
        using var local = new RecallCrossEntropy(3, ignore_index: 255);
        Assert.Equal(ShardCombination.Sum, ShardCombinations.Of(global));
        Assert.Equal(ShardCombination.Average, ShardCombinations.Of(local));
    }

    [Fact]
    public void ALossThatDeclaresNothingIsAveragedAsPyTorchDdpDoes()
    {
        using var lovasz = new LovaszSoftmaxLoss(3, ignore_index: 255);
        Assert.Equal(ShardCombination.Average, ShardCombinations.Of(lovasz));
    }

    [Fact]
    public void ComposedLossesCombineAsTheirPartsWhenTheyAgreeAndAreAveragedOtherwise()
    {
        using var agreeing = new CombinedLoss((1.0, new CrossEntropy(3, ignore_index: 255)), (0.5, new FocalLoss(3, ignore_index: 255)));
        using var mixed = new CombinedLoss((1.0, new CrossEntropy(3, ignore_index: 255)), (0.5, new LovaszSoftmaxLoss(3, ignore_index: 255)));
        using var summed = new CombinedLoss((1.0, new RecallCrossEntropy(3, ignore_index: 255, count_reducer: AllReduce)),
            (1.0, new CrossEntropy(3, ignore_index: 255, reduction: nn.Reduction.Sum)));
        Assert.Equal(ShardCombination.ValidPositionMean, ShardCombinations.Of(agreeing));
        Assert.Equal(ShardCombination.Average, ShardCombinations.Of(mixed));
        Assert.Equal(ShardCombination.Sum, ShardCombinations.Of(summed));

        var main = new CrossEntropy(3, ignore_index: 255);
        using var auxiliary = new AuxiliaryLoss(main, new CrossEntropy(3, ignore_index: 255), weight: 0.4);
        Assert.Equal(ShardCombination.ValidPositionMean, ShardCombinations.Of(auxiliary));
        var recall = new RecallCrossEntropy(3, ignore_index: 255, count_reducer: AllReduce);
        using var recallAuxiliary = new AuxiliaryLoss(recall, new RecallCrossEntropy(3, ignore_index: 255, count_reducer: AllReduce), weight: 0.4);
        Assert.Equal(ShardCombination.Sum, ShardCombinations.Of(recallAuxiliary));

        using var decoupled = new DecoupledLoss(new RecallCrossEntropy(3, count_reducer: AllReduce), new ClassBalancedCrossEntropy(3, [5, 3, 1], 0.99));
        Assert.Equal(ShardCombination.Average, ShardCombinations.Of(decoupled));
    }
}
