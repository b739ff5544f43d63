using RecallKit.Losses;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>Properties every loss must have: all-ignored → 0 with zero gradient, N-d shapes, both float types, exact gradients.</summary>
public class BaselineLossPropertyTests
{
    private const long Ignore = 255;
    private static readonly long[] Counts = [500, 120, 30, 4];

    public static TheoryData<string> Losses => new()
    {
        "ce", "inverse", "median", "inverse-valid", "cb-softmax", "cb-sigmoid", "cb-focal", "focal", "focal-alpha",
        "ohem", "ohem-threshold", "softiou", "softiou-present", "lovasz", "lovasz-all", "lovasz-per-image", "ldam", "ldam-drw", "combined",
    };

    internal static nn.Module<Tensor, Tensor, Tensor> Create(string name, nn.Reduction reduction = nn.Reduction.Mean) => name switch
    {
        "ce" => new CrossEntropy(4, Ignore, reduction),
        "inverse" => new FrequencyWeightedCrossEntropy(4, Counts, ignore_index: Ignore, reduction: reduction),
        "median" => new FrequencyWeightedCrossEntropy(4, Counts, FrequencyWeighting.MedianFrequency, ignore_index: Ignore, reduction: reduction),
        "inverse-valid" => new FrequencyWeightedCrossEntropy(4, Counts, weight_normalization: WeightNormalization.ValidMean, ignore_index: Ignore, reduction: reduction),
        "cb-softmax" => new ClassBalancedCrossEntropy(4, Counts, 0.99, ignore_index: Ignore, reduction: reduction),
        "cb-sigmoid" => new ClassBalancedCrossEntropy(4, Counts, 0.99, ClassBalancedLossType.Sigmoid, ignore_index: Ignore, reduction: reduction),
        "cb-focal" => new ClassBalancedCrossEntropy(4, Counts, null, ClassBalancedLossType.Focal, 1.5, ignore_index: Ignore, reduction: reduction),
        "focal" => new FocalLoss(4, 2, ignore_index: Ignore, reduction: reduction),
        "focal-alpha" => new FocalLoss(4, 0.5, [0.25, 1, 2, 0.5], Ignore, reduction),
        "ohem" => new OhemCrossEntropy(4, 0.7, ignore_index: Ignore, reduction: reduction),
        "ohem-threshold" => new OhemCrossEntropy(4, min_kept: 3, threshold: 0.5, ignore_index: Ignore, reduction: reduction),
        "softiou" => new SoftIoULoss(4, ignore_index: Ignore, reduction: reduction == nn.Reduction.None ? nn.Reduction.Mean : reduction),
        "softiou-present" => new SoftIoULoss(4, LossClasses.Present, 0.5, Ignore),
        "lovasz" => new LovaszSoftmaxLoss(4, ignore_index: Ignore),
        "lovasz-all" => new LovaszSoftmaxLoss(4, LossClasses.All, ignore_index: Ignore),
        "lovasz-per-image" => new LovaszSoftmaxLoss(4, per_image: true, ignore_index: Ignore),
        "ldam" => new LdamLoss(Counts, 0.5, 5, ignore_index: Ignore, reduction: reduction),
        "ldam-drw" => new LdamLoss(Counts, 0.5, 5, new DeferredReweighting(Counts, 0).WeightsFor(1), Ignore, reduction),
        "combined" => new CombinedLoss((1.0, new CrossEntropy(4, Ignore)), (0.5, new LovaszSoftmaxLoss(4, ignore_index: Ignore))),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void AllIgnoredGivesZeroWithZeroGradient(string name)
    {
        using var loss = Create(name);
        var input = randn(new long[] { 2, 4, 3, 3 }, dtype: ScalarType.Float64, generator: Support.Seeded.Generator(1)).requires_grad_(true);
        using var ignore = Ignore.ToScalar();
        var value = loss.call(input, full(new long[] { 2, 3, 3 }, ignore, dtype: ScalarType.Int64));
        Assert.Equal(0.0, value.sum().Scalar());
        value.sum().backward();
        Assert.All(input.grad!.ToDoubles(), g => Assert.Equal(0.0, g));
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void WorksOnEveryShapeAndBothFloatTypesWithFiniteValues(string name)
    {
        using var loss = Create(name);
        foreach (var shape in new[] { new long[] { 6, 4 }, new long[] { 2, 4, 3, 5 }, new long[] { 1, 4, 2, 3, 3 } })
        {
            using var scope = NewDisposeScope();
            var (input, target) = Tensors.Random(shape, Ignore, 0.2, seed: shape.Length);
            var v64 = loss.call(input, target);
            var v32 = loss.call(input.detach().to_type(ScalarType.Float32), target);
            Assert.Equal(ScalarType.Float32, v32.dtype);
            Assert.True(double.IsFinite(v64.Scalar()), $"{name} {InputValidationShape(shape)}: {v64.Scalar()}");
            Assert.Equal(v64.Scalar(), v32.Scalar(), 4);
        }
    }

    private static string InputValidationShape(long[] shape) => "[" + string.Join(",", shape) + "]";

    [Theory]
    [MemberData(nameof(Losses))]
    public void GradientMatchesCentralFiniteDifferences(string name)
    {
        using var loss = Create(name);
        var (input, target) = Tensors.Random([2, 4, 2, 3], Ignore, 0.2, seed: 42);
        FiniteDifferences.Check(x => loss.call(x, target), input);
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void BadTargetsAreRejectedBeforeLibtorchRuns(string name)
    {
        using var loss = Create(name);
        var e = Assert.Throws<ArgumentException>(() => loss.call(zeros(3, 4), Tensors.Targets(0, 7, 1)));
        Assert.Contains("class id 7", e.Message);
        Assert.Throws<ArgumentException>(() => loss.call(zeros(3, 5), Tensors.Targets(0, 1, 1)));
    }
}
