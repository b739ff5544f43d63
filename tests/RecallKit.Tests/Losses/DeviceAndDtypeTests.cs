using RecallKit.Losses;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>
/// Every loss module after <c>Module.to(dtype)</c>: float64 on the CPU stands in for another device. The output takes the
/// input's dtype and shape, matches the float32 module, and backpropagates; the buffers follow the conversion.
/// </summary>
public class DeviceAndDtypeTests
{
    private const long Ignore = 255;
    private static readonly long[] Counts = [400, 100, 20, 5];
    private static readonly double[] Alpha = [0.25, 0.5, 1, 2];

    public static TheoryData<string> LossNames =>
    [
        "ce", "inverse", "median", "inverse-validmean", "cb-softmax", "cb-sigmoid", "cb-focal", "focal-alpha", "focal-no-alpha",
        "ohem-ratio", "ohem-threshold", "softiou", "softiou-present", "lovasz", "lovasz-per-image", "ldam", "ldam-drw",
        "recall-batch", "recall-ema", "precision-ema", "dice", "jaccard", "tversky", "combined",
    ];

    /// <summary>A fresh module per call; every configuration of the library's losses that holds different state or code.</summary>
    private static nn.Module<Tensor, Tensor, Tensor> Create(string name) => name switch
    {
        "ce" => new CrossEntropy(4, Ignore),
        "inverse" => new FrequencyWeightedCrossEntropy(4, Counts, FrequencyWeighting.InverseFrequency, ignore_index: Ignore),
        "median" => new FrequencyWeightedCrossEntropy(4, Counts, FrequencyWeighting.MedianFrequency, ignore_index: Ignore),
        "inverse-validmean" => new FrequencyWeightedCrossEntropy(4, Counts, weight_normalization: WeightNormalization.ValidMean, ignore_index: Ignore),
        "cb-softmax" => new ClassBalancedCrossEntropy(4, Counts, 0.99, ignore_index: Ignore),
        "cb-sigmoid" => new ClassBalancedCrossEntropy(4, Counts, 0.99, ClassBalancedLossType.Sigmoid, ignore_index: Ignore),
        "cb-focal" => new ClassBalancedCrossEntropy(4, Counts, 0.99, ClassBalancedLossType.Focal, 1.5, ignore_index: Ignore),
        "focal-alpha" => new FocalLoss(4, 2, Alpha, Ignore),
        "focal-no-alpha" => new FocalLoss(4, 2, ignore_index: Ignore),
        "ohem-ratio" => new OhemCrossEntropy(4, 0.5, ignore_index: Ignore),
        "ohem-threshold" => new OhemCrossEntropy(4, min_kept: 3, threshold: 0.6, ignore_index: Ignore),
        "softiou" => new SoftIoULoss(4, ignore_index: Ignore),
        "softiou-present" => new SoftIoULoss(4, LossClasses.Present, 1, Ignore),
        "lovasz" => new LovaszSoftmaxLoss(4, ignore_index: Ignore),
        "lovasz-per-image" => new LovaszSoftmaxLoss(4, LossClasses.All, per_image: true, ignore_index: Ignore),
        "ldam" => new LdamLoss(Counts, ignore_index: Ignore),
        "ldam-drw" => new LdamLoss(Counts, class_weights: new DeferredReweighting(Counts, 0).WeightsFor(0), ignore_index: Ignore),
        "recall-batch" => new RecallCrossEntropy(4, ignore_index: Ignore),
        "recall-ema" => new RecallCrossEntropy(4, 0.3, Ignore),
        "precision-ema" => new MetricWeightedCrossEntropy(4, RegionMetric.Precision, 0.3, Ignore),
        "dice" => new MetricWeightedCrossEntropy(4, RegionMetric.Dice, ignore_index: Ignore),
        "jaccard" => new MetricWeightedCrossEntropy(4, RegionMetric.Jaccard, 0.5, Ignore),
        "tversky" => new MetricWeightedCrossEntropy(4, RegionMetric.Tversky(0.3, 0.7), ignore_index: Ignore),
        "combined" => new CombinedLoss((1.0, new RecallCrossEntropy(4, 0.3, Ignore)), (0.5, new LovaszSoftmaxLoss(4, ignore_index: Ignore)),
            (0.25, new FrequencyWeightedCrossEntropy(4, Counts, ignore_index: Ignore))),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static (Tensor input, Tensor target) Batch(ScalarType dtype)
    {
        var (input, target) = Tensors.Random([2, 4, 3, 3], Ignore, 0.25, seed: 17);
        return (input.detach().to_type(dtype).requires_grad_(true), target);
    }

    [Theory]
    [MemberData(nameof(LossNames))]
    public void Float64ModuleGivesAFloat64ScalarEqualToTheFloat32ModuleAndBackpropagates(string name)
    {
        using var single = Create(name);
        using var dbl = Create(name);
        single.to(ScalarType.Float32);
        dbl.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        // Every floating buffer follows the conversion (PyTorch's Module.to(dtype)).
        Assert.All(single.state_dict(), kv => Assert.Equal(ScalarType.Float32, kv.Value.dtype));
        Assert.All(dbl.state_dict(), kv => Assert.Equal(ScalarType.Float64, kv.Value.dtype));

        var (x32, target) = Batch(ScalarType.Float32);
        var (x64, _) = Batch(ScalarType.Float64);
        var v32 = single.call(x32, target);
        var v64 = dbl.call(x64, target);
        Assert.Equal(ScalarType.Float32, v32.dtype);
        Assert.Equal(ScalarType.Float64, v64.dtype);
        Assert.Empty(v64.shape);
        Assert.Equal(DeviceType.CPU, v64.device_type);
        Assert.True(v64.Scalar() > 0, $"{name}: {v64.Scalar()}");
        Assert.Equal(v64.Scalar(), v32.Scalar(), 1e-5 * Math.Max(1, Math.Abs(v64.Scalar())));

        v32.backward();
        v64.backward();
        var g32 = x32.grad!.ToDoubles();
        var g64 = x64.grad!.ToDoubles();
        Assert.Equal(ScalarType.Float64, x64.grad!.dtype);
        Assert.Contains(g64, g => g != 0);
        Tensors.AllClose(g64, g32, 1e-5);
        // Positions whose target is ignored get no gradient.
        using var ignore = Ignore.ToScalar();
        var ignoredColumns = target.eq(ignore).unsqueeze(1).expand(x64.shape);
        Assert.All(x64.grad!.masked_select(ignoredColumns).ToDoubles(), g => Assert.Equal(0.0, g));
    }

    [Theory]
    [MemberData(nameof(LossNames))]
    public void Float64ModuleOnAnAllIgnoredBatchGivesAFloat64ZeroScalarWithZeroGradient(string name)
    {
        using var loss = Create(name);
        loss.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        var (x64, target) = Batch(ScalarType.Float64);
        using var ignore = Ignore.ToScalar();
        var ignored = full_like(target, ignore);
        var value = loss.call(x64, ignored);
        Assert.Equal(ScalarType.Float64, value.dtype);
        Assert.Empty(value.shape);
        Assert.Equal(0.0, value.Scalar());
        value.backward();
        Assert.All(x64.grad!.ToDoubles(), g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void DecoupledLossSumsItsHeadsInFloat64AndConvertsBothHeadsState()
    {
        using var single = new DecoupledLoss(new RecallCrossEntropy(4, 0.3, Ignore), new ClassBalancedCrossEntropy(4, Counts, 0.99, ignore_index: Ignore));
        using var dbl = new DecoupledLoss(new RecallCrossEntropy(4, 0.3, Ignore), new ClassBalancedCrossEntropy(4, Counts, 0.99, ignore_index: Ignore));
        single.to(ScalarType.Float32);
        dbl.to(ScalarType.Float64);
        Assert.Equal(["g.running_recall", "h.weight"], single.state_dict().Keys.Order().ToArray());
        Assert.All(single.state_dict(), kv => Assert.Equal(ScalarType.Float32, kv.Value.dtype));

        var (g32, target) = Batch(ScalarType.Float32);
        var (g64, _) = Batch(ScalarType.Float64);
        var h64 = g64.detach().flip(1).requires_grad_(true);
        var h32 = g32.detach().flip(1).requires_grad_(true);
        var v64 = dbl.call(g64, h64, target);
        var v32 = single.call(g32, h32, target);
        Assert.Equal(ScalarType.Float64, v64.dtype);
        Assert.Empty(v64.shape);
        using var g = new RecallCrossEntropy(4, 0.3, Ignore);
        using var h = new ClassBalancedCrossEntropy(4, Counts, 0.99, ignore_index: Ignore);
        Assert.Equal(g.call(g64, target).Scalar() + h.call(h64, target).Scalar(), v64.Scalar(), 12);
        Assert.Equal(v64.Scalar(), v32.Scalar(), 1e-5 * Math.Max(1, v64.Scalar()));
        v64.backward();
        Assert.Contains(g64.grad!.ToDoubles(), x => x != 0);
        Assert.Contains(h64.grad!.ToDoubles(), x => x != 0);
    }

    [Theory]
    [InlineData(nn.Reduction.Mean)]
    [InlineData(nn.Reduction.Sum)]
    [InlineData(nn.Reduction.None)]
    public void OhemOnAnAllIgnoredBatchReturnsZerosOnTheInputsDeviceAndDtype(nn.Reduction reduction)
    {
        foreach (var threshold in new double?[] { null, 0.7 })
        {
            using var loss = new OhemCrossEntropy(4, threshold: threshold, ignore_index: Ignore, reduction: reduction);
            using var scope = NewDisposeScope();
            var input = randn(new long[] { 2, 4, 3 }, dtype: ScalarType.Float64).requires_grad_(true);
            using var ignore = Ignore.ToScalar();
            var value = loss.call(input, full(new long[] { 2, 3 }, ignore, dtype: ScalarType.Int64));
            Assert.Equal(ScalarType.Float64, value.dtype);
            Assert.Equal(input.device_type, value.device_type);
            Assert.Equal(reduction == nn.Reduction.None ? new long[] { 2, 3 } : [], value.shape);
            Assert.All(value.ToDoubles(), v => Assert.Equal(0.0, v));
            value.sum().backward();
            Assert.All(input.grad!.ToDoubles(), g => Assert.Equal(0.0, g));
        }
    }

    [Fact]
    public void WeightBuffersAreRegisteredOnceWithTheClassWeights()
    {
        using var inverse = new FrequencyWeightedCrossEntropy(4, Counts);
        using var cb = new ClassBalancedCrossEntropy(4, Counts, 0.99);
        using var focal = new FocalLoss(4, 2, Alpha);
        using var ldam = new LdamLoss(Counts, class_weights: Alpha);
        Tensors.AllClose(inverse.class_weights.ToArray(), inverse.state_dict()["weight"].ToDoubles(), 0);
        Tensors.AllClose(cb.class_weights.ToArray(), cb.state_dict()["weight"].ToDoubles(), 0);
        Tensors.AllClose(Alpha, focal.state_dict()["weight"].ToDoubles(), 0);
        Tensors.AllClose(ldam.margins_per_class.ToArray(), ldam.state_dict()["margins"].ToDoubles(), 0);
        // The DRW weights follow the schedule, not the training state: a buffer, but not in the state_dict.
        Assert.Equal(["margins"], ldam.state_dict().Keys.ToArray());
        Tensors.AllClose(Alpha, ldam.get_buffer("weight")!.ToDoubles(), 0);
        Assert.Empty(new FocalLoss(4).state_dict());
        Assert.Empty(new CrossEntropy(4).state_dict());
    }

    [Fact]
    public void LdamDrwWeightsSetAfterConversionAreCreatedInTheModulesDtypeAndCanBeCleared()
    {
        using var ldam = new LdamLoss(Counts, ignore_index: Ignore);
        ldam.to(ScalarType.Float32);
        Assert.Null(ldam.get_buffer("weight"));
        var (x, target) = Batch(ScalarType.Float32);
        var unweighted = ldam.call(x, target).Scalar();

        ldam.class_weights = Alpha;
        var buffer = ldam.get_buffer("weight")!;
        Assert.Equal(ScalarType.Float32, buffer.dtype);
        Tensors.AllClose(Alpha, buffer.ToDoubles(), 0);
        ldam.class_weights = Alpha.ToArray(); // the same values: the buffer is kept as it is
        Assert.Same(buffer, ldam.get_buffer("weight"));
        var weighted = ldam.call(x, target).Scalar();
        Assert.NotEqual(unweighted, weighted, 3);
        using (var reference = new LdamLoss(Counts, class_weights: Alpha, ignore_index: Ignore))
            Assert.Equal(reference.call(x.to_type(ScalarType.Float64), target).Scalar(), weighted, 1e-5);

        ldam.class_weights = [1, 1, 1, 2];
        Assert.Same(buffer, ldam.get_buffer("weight")); // new values are copied into the existing buffer
        Tensors.AllClose([1, 1, 1, 2], buffer.ToDoubles(), 0);

        ldam.class_weights = null;
        Assert.Null(ldam.get_buffer("weight"));
        Assert.Equal(unweighted, ldam.call(x, target).Scalar(), 6);
    }

    [Theory]
    [InlineData("inverse")]
    [InlineData("focal-alpha")]
    [InlineData("ldam")]
    [InlineData("recall-ema")]
    [InlineData("precision-ema")]
    public void ALossWhoseBuffersAreOnAnotherDeviceThanTheInputSaysToMoveIt(string name)
    {
        // The meta device stands in for an accelerator: the loss's buffers stay on the CPU.
        using var loss = Create(name);
        var meta = new Device(DeviceType.META);
        var input = empty(new long[] { 2, 4 }, device: meta);
        var target = empty(new long[] { 2 }, dtype: ScalarType.Int64, device: meta);
        var e = Assert.Throws<ArgumentException>(() => loss.call(input, target));
        Assert.Contains("loss.to(device)", e.Message);
        Assert.Contains("cpu", e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
