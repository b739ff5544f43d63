using RecallKit.Losses;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

/// <summary>The losses a config reaches are the library's modules with the configured settings: same values as built by hand.</summary>
public sealed class LossFactoryTests
{
    private const int Classes = 4;

    private static (Tensor input, Tensor target) Batch()
    {
        var generator = new Generator(3);
        var input = randn(new long[] { 2, Classes, 5, 6 }, dtype: ScalarType.Float64, generator: generator);
        var target = randint(0, Classes, new long[] { 2, 5, 6 }, generator: generator);
        target[0, 0, 0] = tensor(255L);
        return (input, target);
    }

    private static double Value(string[] overrides, nn.Module<Tensor, Tensor, Tensor> expected)
    {
        using var scope = NewDisposeScope();
        var config = ConfigLoader.Load(null, overrides).Loss;
        using var built = LossFactory.Create(config, Classes, 255, [100, 50, 10, 1], count_reducer: x => x);
        var (input, target) = Batch();
        double actual = built.call(input, target).item<double>();
        Assert.Equal(expected.call(input, target).item<double>(), actual, 12);
        expected.Dispose();
        return actual;
    }

    [Fact]
    public void DiceJaccardAndTverskyAreMetricWeightedCrossEntropies()
    {
        Value(["loss.kind=dice"], new MetricWeightedCrossEntropy(Classes, RegionMetric.Dice, ignore_index: 255));
        Value(["loss.kind=jaccard", "loss.ema_alpha=0.5"], new MetricWeightedCrossEntropy(Classes, RegionMetric.Jaccard, 0.5, ignore_index: 255));
        Value(["loss.kind=tversky", "loss.tversky_alpha=0.3", "loss.tversky_beta=0.7"],
            new MetricWeightedCrossEntropy(Classes, RegionMetric.Tversky(0.3, 0.7), ignore_index: 255));
    }

    [Fact]
    public void PlusKindAndLossWeightsGiveTheWeightedSum()
    {
        var (input, target) = Batch();
        using var ce = new CrossEntropy(Classes, 255);
        using var lovasz = new LovaszSoftmaxLoss(Classes, ignore_index: 255);
        double sum = 2 * ce.call(input, target).item<double>() + 0.5 * lovasz.call(input, target).item<double>();
        double combined = Value(["loss.kind=cross_entropy", "loss.loss_weight=2", "loss.plus_kind=lovasz", "loss.plus_loss_weight=0.5"],
            new CombinedLoss((2, new CrossEntropy(Classes, 255)), (0.5, new LovaszSoftmaxLoss(Classes, ignore_index: 255))));
        Assert.Equal(sum, combined, 12);
        Assert.Equal(3 * ce.call(input, target).item<double>(), Value(["loss.loss_weight=3"], new CombinedLoss((3, new CrossEntropy(Classes, 255)))), 12);
    }

    [Fact]
    public void OhemThresholdMinKeptAndFocalAlphaReachTheModules()
    {
        Value(["loss.kind=ohem", "loss.ohem_threshold=0.3", "loss.ohem_min_kept=20"], new OhemCrossEntropy(Classes, 0.7, 20, 0.3, ignore_index: 255));
        Value(["loss.kind=focal", "loss.focal_alpha=[0.25,1,2,4]"], new FocalLoss(Classes, 2, [0.25, 1, 2, 4], ignore_index: 255));
    }

    [Fact]
    public void TheDefaultLossIsNotWrapped()
    {
        using var loss = LossFactory.Create(new LossConfig { Kind = LossKind.Recall }, Classes, 255, null);
        Assert.IsType<RecallCrossEntropy>(loss); // state_dict keys of existing checkpoints stay as they are
    }
}
