using RecallKit.Losses;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>
/// Every loss's functional form against its module: the same value and gradient, per-position None reductions, the EMA state
/// passed in and updated in place, and the set-function losses' rejection of the reductions they do not support.
/// </summary>
public class FunctionalFormTests
{
    private const long Ignore = 255;
    private static readonly long[] Counts = [500, 120, 30, 4];
    private static readonly double[] Alpha = [0.25, 1, 2, 0.5];

    public static TheoryData<string> Losses =>
    [
        "ce", "inverse", "median-validmean", "cb-softmax", "cb-sigmoid", "cb-focal", "focal", "focal-alpha", "ohem", "ohem-threshold",
        "softiou", "softiou-present", "lovasz", "lovasz-all", "lovasz-per-image", "ldam", "ldam-drw",
        "recall", "recall-op-path", "precision", "tversky", "logit-adjusted", "balanced-softmax", "seesaw", "seesaw-eval",
    ];

    /// <summary>Losses with per-position values (every reduction; None gives [N,d…]).</summary>
    public static TheoryData<string> PerPositionLosses =>
    [
        "ce", "inverse", "median-validmean", "cb-softmax", "cb-sigmoid", "cb-focal", "focal", "focal-alpha", "ohem", "ohem-threshold",
        "ldam", "ldam-drw", "recall", "recall-op-path", "precision", "tversky", "logit-adjusted", "balanced-softmax", "seesaw", "seesaw-eval",
    ];

    private static Tensor Values(IReadOnlyList<double> values) => tensor(values.ToArray(), dtype: ScalarType.Float64);

    /// <summary>A module and the functional call it should equal, both with <paramref name="reduction"/>.</summary>
    private static (nn.Module<Tensor, Tensor, Tensor> module, Func<Tensor, Tensor, Tensor> function) Case(string name, nn.Reduction reduction)
    {
        switch (name)
        {
            case "ce":
                return (new CrossEntropy(4, Ignore, reduction), (x, t) => functional.cross_entropy(x, t, Ignore, reduction));
            case "inverse":
            {
                var m = new FrequencyWeightedCrossEntropy(4, Counts, ignore_index: Ignore, reduction: reduction);
                return (m, (x, t) => functional.class_weighted_cross_entropy(x, t, Values(m.class_weights), ignore_index: Ignore, reduction: reduction));
            }
            case "median-validmean":
            {
                var m = new FrequencyWeightedCrossEntropy(4, Counts, FrequencyWeighting.MedianFrequency, WeightNormalization.ValidMean, Ignore, reduction);
                return (m, (x, t) => functional.class_weighted_cross_entropy(x, t, Values(m.class_weights), WeightNormalization.ValidMean, Ignore, reduction));
            }
            case "cb-softmax" or "cb-sigmoid" or "cb-focal":
            {
                var type = name switch { "cb-softmax" => ClassBalancedLossType.Softmax, "cb-sigmoid" => ClassBalancedLossType.Sigmoid, _ => ClassBalancedLossType.Focal };
                var m = new ClassBalancedCrossEntropy(4, Counts, 0.99, type, 1.5, ignore_index: Ignore, reduction: reduction);
                return (m, (x, t) => functional.class_balanced_loss(x, t, Values(m.class_weights), type, 1.5, ignore_index: Ignore, reduction: reduction));
            }
            case "focal":
                return (new FocalLoss(4, 2, ignore_index: Ignore, reduction: reduction), (x, t) => functional.focal_loss(x, t, 2, ignore_index: Ignore, reduction: reduction));
            case "focal-alpha":
                return (new FocalLoss(4, 0.5, Alpha, Ignore, reduction), (x, t) => functional.focal_loss(x, t, 0.5, Values(Alpha), Ignore, reduction));
            case "ohem":
                return (new OhemCrossEntropy(4, 0.6, ignore_index: Ignore, reduction: reduction),
                    (x, t) => functional.ohem_cross_entropy(x, t, 0.6, ignore_index: Ignore, reduction: reduction));
            case "ohem-threshold":
                return (new OhemCrossEntropy(4, min_kept: 3, threshold: 0.5, ignore_index: Ignore, reduction: reduction),
                    (x, t) => functional.ohem_cross_entropy(x, t, min_kept: 3, threshold: 0.5, ignore_index: Ignore, reduction: reduction));
            case "softiou":
                return (new SoftIoULoss(4, ignore_index: Ignore, reduction: reduction), (x, t) => functional.soft_iou_loss(x, t, ignore_index: Ignore, reduction: reduction));
            case "softiou-present":
                return (new SoftIoULoss(4, LossClasses.Present, 0.5, Ignore, reduction),
                    (x, t) => functional.soft_iou_loss(x, t, LossClasses.Present, 0.5, Ignore, reduction));
            case "lovasz":
                return (new LovaszSoftmaxLoss(4, ignore_index: Ignore), (x, t) => functional.lovasz_softmax(x, t, ignore_index: Ignore));
            case "lovasz-all":
                return (new LovaszSoftmaxLoss(4, LossClasses.All, ignore_index: Ignore), (x, t) => functional.lovasz_softmax(x, t, LossClasses.All, ignore_index: Ignore));
            case "lovasz-per-image":
                return (new LovaszSoftmaxLoss(4, per_image: true, ignore_index: Ignore), (x, t) => functional.lovasz_softmax(x, t, per_image: true, ignore_index: Ignore));
            case "ldam":
            {
                var m = new LdamLoss(Counts, 0.5, 5, ignore_index: Ignore, reduction: reduction);
                return (m, (x, t) => functional.ldam_loss(x, t, Values(m.margins_per_class), 5, ignore_index: Ignore, reduction: reduction));
            }
            case "ldam-drw":
            {
                var m = new LdamLoss(Counts, 0.5, 5, Alpha, Ignore, reduction);
                return (m, (x, t) => functional.ldam_loss(x, t, Values(m.margins_per_class), 5, Values(Alpha), Ignore, reduction));
            }
            case "logit-adjusted":
            {
                var m = new LogitAdjustedCrossEntropy(4, Counts, 1.5, Ignore, reduction);
                return (m, (x, t) => functional.logit_adjusted_cross_entropy(x, t, Values(ClassPriors.LogPrior(Counts, "test")), 1.5, Ignore, reduction));
            }
            case "balanced-softmax":
            {
                var m = new BalancedSoftmaxCrossEntropy(4, Counts, Ignore, reduction);
                return (m, (x, t) => functional.balanced_softmax_cross_entropy(x, t, Values(Counts.Select(n => Math.Log(n)).ToArray()), Ignore, reduction));
            }
            case "seesaw":
            {
                var cum = zeros(4, dtype: ScalarType.Float64);
                return (new SeesawLoss(4, 0.7, 1.5, 0.02, Ignore, reduction),
                    (x, t) => functional.seesaw_loss(x, t, cum, 0.7, 1.5, 0.02, Ignore, reduction));
            }
            case "seesaw-eval":
            {
                var m = new SeesawLoss(4, ignore_index: Ignore, reduction: reduction);
                m.cum_samples.copy_(Values([40, 9, 3, 0]));
                m.eval();
                return (m, (x, t) => functional.seesaw_loss(x, t, Values([40, 9, 3, 0]), ignore_index: Ignore, reduction: reduction, training: false));
            }
            case "recall":
                return (new RecallCrossEntropy(4, ignore_index: Ignore, reduction: reduction), (x, t) => functional.recall_cross_entropy(x, t, Ignore, reduction));
            case "recall-op-path":
                return (new RecallCrossEntropy(4, ignore_index: Ignore, reduction: reduction) { use_fused_kernel = false },
                    (x, t) => functional.recall_cross_entropy(x, t, Ignore, reduction, use_fused_kernel: false));
            case "precision":
                return (new MetricWeightedCrossEntropy(4, RegionMetric.Precision, ignore_index: Ignore, reduction: reduction),
                    (x, t) => functional.metric_weighted_cross_entropy(x, t, RegionMetric.Precision, Ignore, reduction));
            case "tversky":
                return (new MetricWeightedCrossEntropy(4, RegionMetric.Tversky(0.3, 0.7), ignore_index: Ignore, reduction: reduction),
                    (x, t) => functional.metric_weighted_cross_entropy(x, t, RegionMetric.Tversky(0.3, 0.7), Ignore, reduction));
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }

    private static void SameValueAndGradient(string name, nn.Reduction reduction, long[] shape)
    {
        var (module, function) = Case(name, reduction);
        using var _ = module;
        var (input, target) = Tensors.Random(shape, Ignore, 0.2, seed: 23);
        var other = input.detach().clone().requires_grad_(true);
        var expected = module.call(input, target);
        var actual = function(other, target);
        Assert.Equal(expected.shape, actual.shape);
        Assert.Equal(expected.dtype, actual.dtype);
        Tensors.AllClose(expected.ToDoubles(), actual.ToDoubles(), 1e-12);
        // A fixed random cotangent, so that a None output's gradient is checked for every position.
        var cotangent = rand(expected.shape, dtype: expected.dtype, generator: Support.Seeded.Generator(3));
        (expected * cotangent).sum().backward();
        (actual * cotangent).sum().backward();
        Assert.Contains(input.grad!.ToDoubles(), g => g != 0);
        Tensors.AllClose(input.grad!.ToDoubles(), other.grad!.ToDoubles(), 1e-12);
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void FunctionalFormEqualsTheModuleInValueAndGradient(string name)
    {
        SameValueAndGradient(name, nn.Reduction.Mean, [2, 4, 3, 3]);
        SameValueAndGradient(name, nn.Reduction.Mean, [7, 4]);
    }

    [Theory]
    [MemberData(nameof(PerPositionLosses))]
    public void FunctionalFormEqualsTheModuleForSumAndNone(string name)
    {
        SameValueAndGradient(name, nn.Reduction.Sum, [2, 4, 3, 3]);
        SameValueAndGradient(name, nn.Reduction.None, [2, 4, 3, 3]);
    }

    [Theory]
    [MemberData(nameof(PerPositionLosses))]
    public void NoneIsPerPositionWithZeroAtIgnoredPositionsAndSumsToSum(string name)
    {
        var (input, target) = Tensors.Random([2, 4, 3, 5], Ignore, 0.3, seed: 8);
        var (_, none) = Case(name, nn.Reduction.None);
        var (_, sum) = Case(name, nn.Reduction.Sum);
        var per = none(input, target);
        Assert.Equal(target.shape, per.shape);
        Assert.Equal(input.dtype, per.dtype);
        using var ignore = Ignore.ToScalar();
        Assert.All(per.masked_select(target.eq(ignore)).ToDoubles(), v => Assert.Equal(0.0, v));
        Assert.Equal(sum(input, target).Scalar(), per.sum().Scalar(), 10);
    }

    [Fact]
    public void SoftIoUNoneIsThePerClassLossesAndSumIsRejectedNamingTheLossAndTheReduction()
    {
        var (input, target) = Tensors.Random([2, 4, 3, 3], Ignore, 0.2, seed: 5);
        var perClass = functional.soft_iou_loss(input, target, ignore_index: Ignore, reduction: nn.Reduction.None);
        Assert.Equal([4L], perClass.shape);
        Assert.Equal(perClass.mean().Scalar(), functional.soft_iou_loss(input, target, ignore_index: Ignore).Scalar(), 12);

        var e = Assert.Throws<ArgumentException>(() => functional.soft_iou_loss(input, target, ignore_index: Ignore, reduction: nn.Reduction.Sum));
        Assert.Contains("soft_iou_loss", e.Message);
        Assert.Contains("Sum", e.Message);
        e = Assert.Throws<ArgumentException>(() => new SoftIoULoss(4, reduction: nn.Reduction.Sum));
        Assert.Contains("SoftIoULoss", e.Message);
        Assert.Contains("Sum", e.Message);
    }

    [Theory]
    [InlineData(nn.Reduction.Sum)]
    [InlineData(nn.Reduction.None)]
    public void LovaszRejectsEveryReductionButMean(nn.Reduction reduction)
    {
        var (input, target) = Tensors.Random([2, 4, 3], Ignore, 0.2, seed: 6);
        var e = Assert.Throws<ArgumentException>(() => functional.lovasz_softmax(input, target, ignore_index: Ignore, reduction: reduction));
        Assert.Contains("lovasz_softmax", e.Message);
        Assert.Contains(reduction.ToString(), e.Message);
        Assert.Equal(nn.Reduction.Mean, new LovaszSoftmaxLoss(4).reduction);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EmaStatePassedToTheFunctionalFormIsUpdatedInPlaceAsTheModulesBuffer(bool fused)
    {
        using var module = new RecallCrossEntropy(4, 0.3, Ignore) { use_fused_kernel = fused };
        module.train();
        var running = zeros(4, dtype: ScalarType.Float64);
        var last = zeros(4, dtype: ScalarType.Float64);
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope(); // the step's tensors go; running and last live outside it
            var (input, target) = Tensors.Random([2, 4, 3, 3], Ignore, 0.2, seed: 30 + step);
            var expected = module.call(input, target);
            var actual = functional.recall_cross_entropy(input.detach(), target, Ignore, running_recall: running, training: true, ema_alpha: 0.3,
                last_weights: last, use_fused_kernel: fused);
            Assert.Equal(expected.Scalar(), actual.Scalar(), 12);
            Tensors.AllClose(module.running_recall.ToDoubles(), running.ToDoubles(), 1e-15);
            Tensors.AllClose(module.last_weights.ToDoubles(), last.ToDoubles(), 1e-15);
        }
        Assert.Contains(running.ToDoubles(), r => r > 0);

        // Not training: the state is only read (w = 1 − R̄).
        var before = running.ToDoubles();
        var (x, t) = Tensors.Random([2, 4, 3, 3], Ignore, 0.2, seed: 40);
        functional.recall_cross_entropy(x, t, Ignore, running_recall: running, training: false, ema_alpha: 0.3, last_weights: last, use_fused_kernel: fused);
        Tensors.AllClose(before, running.ToDoubles(), 0);
        Tensors.AllClose(before.Select(r => 1 - r).ToArray(), last.ToDoubles(), 1e-15);
    }

    [Fact]
    public void EmaModeWithoutStateOrWithStateOfTheWrongShapeIsRejected()
    {
        var (input, target) = Tensors.Random([3, 4], Ignore, 0, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => functional.metric_weighted_cross_entropy(input, target, RegionMetric.Dice, ema_alpha: 0.5));
        Assert.Contains("running", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            functional.metric_weighted_cross_entropy(input, target, RegionMetric.Dice, running_metric: zeros(3, dtype: ScalarType.Float64), ema_alpha: 0.5));
        Assert.Contains("[4]", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            functional.recall_cross_entropy(input, target, running_recall: zeros(4, dtype: ScalarType.Float64), ema_alpha: 1.5));
    }

    [Fact]
    public void PerClassTensorsOfTheWrongShapeAreRejectedNamingThem()
    {
        var (input, target) = Tensors.Random([3, 4], Ignore, 0, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => functional.focal_loss(input, target, weight: ones(3, dtype: ScalarType.Float64)));
        Assert.Contains("weight", e.Message);
        Assert.Contains("[4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => functional.ldam_loss(input, target, ones(5, dtype: ScalarType.Float64)));
        Assert.Contains("margins", e.Message);
    }

    [Fact]
    public void FunctionalFormsCheckTheTargetsAndNameThemselves()
    {
        var e = Assert.Throws<ArgumentException>(() => functional.focal_loss(zeros(3, 4), Tensors.Targets(0, 7, 1)));
        Assert.Contains("focal_loss", e.Message);
        Assert.Contains("class id 7", e.Message);
        e = Assert.Throws<ArgumentException>(() => functional.soft_iou_loss(zeros(3, 4), Tensors.Targets(0, 4, 1)));
        Assert.Contains("class id 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => functional.cross_entropy(zeros(2, 3, 4), Tensors.Targets(0, 1)));
        Assert.Contains("cross_entropy", e.Message);
    }
}
