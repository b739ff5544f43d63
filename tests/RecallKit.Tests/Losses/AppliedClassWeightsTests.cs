using RecallKit.Losses;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

public class AppliedClassWeightsTests
{
    private const long Ignore = 255;
    private static readonly long[] Counts = [100, 10, 1];

    // Arg-max predictions 0, 1, 2, 1 for targets 0, 0, 2, 1 (the fifth position is ignored): recall 1/2, 1, 1.
    private static (Tensor input, Tensor target) HandCase() => (
        Tensors.Logits(new double[,] { { 2, 1, 0 }, { 0, 2, 1 }, { 1, 0, 3 }, { 0, 1, 0.5 }, { 3, 0, 0 } }),
        Tensors.Targets(0, 0, 2, 1, Ignore));

    private static double[] Reported(nn.Module loss) => Assert.IsAssignableFrom<IAppliedClassWeights>(loss).applied_class_weights()!;

    [Fact]
    public void RecallLossReportsOneMinusTheRecallOfItsLastBatch()
    {
        var (input, target) = HandCase();
        using var loss = new RecallCrossEntropy(3, ignore_index: Ignore);
        Tensors.AllClose([0, 0, 0], Reported(loss)); // before any call
        loss.call(input, target);
        Tensors.AllClose([0.5, 0, 0], Reported(loss), 0);
    }

    [Fact]
    public void MetricWeightedLossConvertedToFloat32ReportsFloat64Values()
    {
        var (input, target) = HandCase();
        using var loss = new MetricWeightedCrossEntropy(3, RegionMetric.Recall, ignore_index: Ignore);
        loss.to(ScalarType.Float32);
        loss.call(input.detach().to_type(ScalarType.Float32), target);
        Tensors.AllClose([0.5, 0, 0], Reported(loss), 0);
    }

    [Fact]
    public void ClassBalancedLossReportsItsEffectiveNumberWeights()
    {
        const double beta = 0.9;
        var raw = Counts.Select(n => (1 - beta) / (1 - Math.Pow(beta, n))).ToArray();
        var expected = raw.Select(w => 3 * w / raw.Sum()).ToArray(); // Σ = C
        using var loss = new ClassBalancedCrossEntropy(3, Counts, beta, ignore_index: Ignore);
        Tensors.AllClose(expected, Reported(loss), 1e-15);
        var (input, target) = HandCase();
        loss.call(input, target);
        Tensors.AllClose(expected, Reported(loss), 1e-15);
    }

    [Fact]
    public void FixedWeightLossesReportTheirWeightBufferOrNull()
    {
        using var inverse = new FrequencyWeightedCrossEntropy(3, Counts);
        Tensors.AllClose(inverse.class_weights.ToArray(), Reported(inverse), 0);
        using var focal = new FocalLoss(3, alpha: [0.25, 0.5, 1]);
        Tensors.AllClose([0.25, 0.5, 1], Reported(focal), 0);
        using var plainFocal = new FocalLoss(3);
        Assert.Null(plainFocal.applied_class_weights());

        using var ldam = new LdamLoss(Counts);
        Assert.Null(ldam.applied_class_weights()); // before deferred re-weighting starts
        var drw = new DeferredReweighting(Counts, start_epoch: 1).WeightsFor(1)!;
        ldam.class_weights = drw;
        Tensors.AllClose(drw, Reported(ldam), 0);
    }

    [Fact]
    public void DecoupledLossReportsHeadGsLossOnly()
    {
        var (input, target) = HandCase();
        using var sdn = new DecoupledLoss(new RecallCrossEntropy(3, ignore_index: Ignore), new ClassBalancedCrossEntropy(3, Counts, ignore_index: Ignore));
        sdn.call(input, input.detach(), target);
        Tensors.AllClose([0.5, 0, 0], Reported(sdn), 0);

        using var sdnCe = new DecoupledLoss(new CrossEntropy(3, Ignore), new ClassBalancedCrossEntropy(3, Counts, ignore_index: Ignore));
        Assert.Null(sdnCe.applied_class_weights());
    }

    [Fact]
    public void CombinedLossReportsItsFirstWeightedPartWithoutTheFactor()
    {
        var (input, target) = HandCase();
        using var combined = new CombinedLoss((0.5, new CrossEntropy(3, Ignore)), (2.0, new RecallCrossEntropy(3, ignore_index: Ignore)),
            (1.0, new FrequencyWeightedCrossEntropy(3, Counts, ignore_index: Ignore)));
        combined.call(input, target);
        Tensors.AllClose([0.5, 0, 0], Reported(combined), 0);

        using var unweighted = new CombinedLoss((1.0, new CrossEntropy(3, Ignore)), (1.0, new LovaszSoftmaxLoss(3, ignore_index: Ignore)));
        unweighted.call(input.detach(), target);
        Assert.Null(unweighted.applied_class_weights());
    }

    [Fact]
    public void LossesWithoutClassWeightsDoNotReportAny()
    {
        using var ce = new CrossEntropy(3, Ignore);
        using var ohem = new OhemCrossEntropy(3);
        Assert.False(ce is IAppliedClassWeights);
        Assert.False(ohem is IAppliedClassWeights);
    }
}
