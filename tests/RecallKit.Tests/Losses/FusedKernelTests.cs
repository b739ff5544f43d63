using RecallKit.Losses;
using RecallKit.Runtime;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>
/// The fused CPU kernel of the metric-weighted losses against the libtorch-op path: identical counts (as a
/// <c>count_reducer</c> sees them) and weights, equal losses and gradients, for every metric, batch and EMA mode, reduction,
/// shape, dtype, ignore fraction and exact ties.
/// Changes torch's thread count in some cases, so the class runs alone (other tests compare results bit for bit).
/// </summary>
[Collection(nameof(GlobalTorchState))]
public class FusedKernelTests
{
    private const long Ignore = 255;
    private static readonly Scalar MinusTwo = (-2).ToScalar();
    private static readonly Scalar TenThousand = 1e4f.ToScalar();

    /// <summary>The counts for an assertion message (TorchSharp's <c>str()</c> reads elements through temporary Scalars).</summary>
    private static string Describe(Tensor counts) => $"[{string.Join(", ", counts.ToDoubles())}]";

    /// <summary>[N,C]: below and above the vector width; [N,C,S…]: whole vectors, vectors with a tail, and several blocks per row.</summary>
    private static readonly long[][] Shapes =
    [
        [6, 3], [9, 21], [4, 40], [2, 3, 37], [3, 5, 4, 7], [2, 4, 3, 4, 5], [2, 3, 8, 8],
    ];

    public static TheoryData<string> Metrics => ["recall", "precision", "dice", "jaccard", "tversky"];

    private static RegionMetric Parse(string name) => name switch
    {
        "recall" => RegionMetric.Recall,
        "precision" => RegionMetric.Precision,
        "dice" => RegionMetric.Dice,
        "jaccard" => RegionMetric.Jaccard,
        _ => RegionMetric.Tversky(0.3, 0.7),
    };

    /// <summary>Random logits, or small integers (many exact ties, no near-ties) when <paramref name="ties"/>.</summary>
    private static (Tensor input, Tensor target) Case(long[] shape, double ignoreFraction, bool ties, ScalarType dtype, int seed)
    {
        var (input, target) = Tensors.Random(shape, Ignore, ignoreFraction, seed, dtype);
        if (ties) input = input.detach().clamp(MinusTwo, Scalars.Two).round().requires_grad_(true);
        return (input, target);
    }

    private sealed record Run(Tensor Value, Tensor Grad, Tensor Counts, double[] Weights, double[] Running);

    private static Run Evaluate(string metric, double? ema, nn.Reduction reduction, bool fused, Tensor input, Tensor target, int steps = 1)
    {
        Tensor? counts = null;
        using var loss = new MetricWeightedCrossEntropy(input.shape[1], Parse(metric), ema, Ignore, reduction,
            c => (counts = c.clone().DetachFromDisposeScope()).mul(Scalars.One)) { use_fused_kernel = fused };
        Tensor value = null!;
        Tensor grad = null!;
        for (int i = 0; i < steps; i++)
        {
            var x = input.detach().clone().requires_grad_(true);
            value = loss.call(x, target);
            value.sum().backward();
            grad = x.grad!;
        }
        return new Run(value.detach(), grad, counts!, loss.last_weights.ToDoubles(), loss.running_metric.ToDoubles());
    }

    private static void AssertAgree(Run op, Run fused, ScalarType dtype, string label)
    {
        Assert.Equal(op.Counts.shape, fused.Counts.shape);
        Assert.True(op.Counts.eq(fused.Counts).all().item<bool>(), $"{label}: counts {Describe(op.Counts)} vs {Describe(fused.Counts)}");
        Tensors.AllClose(op.Weights, fused.Weights, 1e-12);
        Tensors.AllClose(op.Running, fused.Running, 1e-12);
        Assert.Equal(op.Value.dtype, fused.Value.dtype);
        Assert.Equal(op.Value.shape, fused.Value.shape);
        double tolerance = dtype == ScalarType.Float32 ? 2e-5 : 1e-11;
        Tensors.AllClose(op.Value.ToDoubles(), fused.Value.ToDoubles(), tolerance);
        Assert.Equal(op.Grad.shape, fused.Grad.shape);
        Tensors.AllClose(op.Grad.ToDoubles(), fused.Grad.ToDoubles(), tolerance);
    }

    [Theory]
    [MemberData(nameof(Metrics))]
    public void FusedAndOpPathsGiveTheSameCountsWeightsLossesAndGradients(string metric)
    {
        int seed = 0;
        foreach (var shape in Shapes)
        foreach (var ignoreFraction in new[] { 0, 0.3, 1 })
        foreach (var ties in new[] { false, true })
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        foreach (var ema in new double?[] { null, 0.4 })
        foreach (var reduction in new[] { nn.Reduction.Mean, nn.Reduction.Sum, nn.Reduction.None })
        {
            using var scope = NewDisposeScope();
            var (input, target) = Case(shape, ignoreFraction, ties, dtype, seed++);
            var label = $"{metric} [{string.Join(",", shape)}] ignore {ignoreFraction} ties {ties} {dtype} ema {ema} {reduction}";
            var op = Evaluate(metric, ema, reduction, false, input, target, steps: ema is null ? 1 : 2);
            var fused = Evaluate(metric, ema, reduction, true, input, target, steps: ema is null ? 1 : 2);
            AssertAgree(op, fused, dtype, label);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void LargeInputsSplitOverThreadsAgreeWithTheOpPath(int threads)
    {
        int before = get_num_threads();
        try
        {
            set_num_threads(threads);
            // Several position blocks per image, and several row blocks for [N,C].
            foreach (var shape in new long[][] { [3, 4, 72, 80], [5000, 10], [64, 700] })
            foreach (var metric in new[] { "recall", "jaccard" })
            {
                using var scope = NewDisposeScope();
                var (input, target) = Case(shape, 0.1, false, ScalarType.Float32, 11);
                var op = Evaluate(metric, null, nn.Reduction.Mean, false, input, target);
                var fused = Evaluate(metric, null, nn.Reduction.Mean, true, input, target);
                AssertAgree(op, fused, ScalarType.Float32, $"{metric} [{string.Join(",", shape)}]");
            }
        }
        finally
        {
            set_num_threads(before);
        }
    }

    /// <summary>
    /// Without a <c>count_reducer</c> the fused path computes the weights on the host from pooled per-class arrays, which
    /// a later call with fewer classes gets back with stale entries beyond its class count: large class counts come first.
    /// </summary>
    [Fact]
    public void HostWeightPathAgreesWithTheOpPathWhenClassCountsChangeBetweenCalls()
    {
        int before = get_num_threads();
        try
        {
            int seed = 100;
            foreach (var threads in new[] { 2, 1 })
            {
                set_num_threads(threads);
                foreach (var shape in new long[][] { [40, 3000], [6, 3], [2, 700, 5], [3, 5, 4, 7], [50, 900], [9, 21] })
                foreach (var metric in new[] { "recall", "precision", "tversky" })
                foreach (var ema in new double?[] { null, 0.3 })
                foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
                foreach (var reduction in new[] { nn.Reduction.Mean, nn.Reduction.None })
                {
                    using var scope = NewDisposeScope();
                    var (input, target) = Case(shape, 0.2, seed % 2 == 0, dtype, seed++);
                    var label = $"{metric} [{string.Join(",", shape)}] {dtype} ema {ema} {reduction} threads {threads}";
                    var op = WithoutReducer(metric, ema, reduction, false, input, target);
                    var fused = WithoutReducer(metric, ema, reduction, true, input, target);
                    Tensors.AllClose(op.Weights, fused.Weights, 1e-12);
                    Tensors.AllClose(op.Running, fused.Running, 1e-12);
                    double tolerance = dtype == ScalarType.Float32 ? 2e-5 : 1e-11;
                    Assert.Equal(op.Value.shape, fused.Value.shape);
                    Tensors.AllClose(op.Value.ToDoubles(), fused.Value.ToDoubles(), tolerance);
                    Tensors.AllClose(op.Grad.ToDoubles(), fused.Grad.ToDoubles(), tolerance);
                    Assert.True(fused.Weights.Any(w => w != 0), label);
                }
            }
        }
        finally
        {
            set_num_threads(before);
        }
    }

    private static Run WithoutReducer(string metric, double? ema, nn.Reduction reduction, bool fused, Tensor input, Tensor target)
    {
        using var loss = new MetricWeightedCrossEntropy(input.shape[1], Parse(metric), ema, Ignore, reduction) { use_fused_kernel = fused };
        Tensor value = null!, grad = null!;
        for (int i = 0; i < (ema is null ? 1 : 3); i++)
        {
            var x = input.detach().clone().requires_grad_(true);
            value = loss.call(x, target);
            value.sum().backward();
            grad = x.grad!;
        }
        return new Run(value.detach(), grad, empty(0), loss.last_weights.ToDoubles(), loss.running_metric.ToDoubles());
    }

    /// <summary>Rows long enough for the wide exp loop: a NaN, a +∞ and an all −∞ row count as the op path counts them.</summary>
    [Fact]
    public void NonFiniteRowsOfLongClassRowsCountAsOnTheOpPath()
    {
        var (input, target) = Case([5, 37], 0, false, ScalarType.Float32, 31);
        var x = input.detach().clone();
        x[1, 20] = tensor(float.NaN);
        x[2, 30] = tensor(float.PositiveInfinity);
        using (var negativeInfinity = float.NegativeInfinity.ToScalar()) x[3] = full(37, negativeInfinity);
        target[1] = tensor(0L);
        target[2] = tensor(30L);
        var op = Evaluate("recall", null, nn.Reduction.None, false, x.requires_grad_(true), target);
        var fused = Evaluate("recall", null, nn.Reduction.None, true, x.detach().requires_grad_(true), target);
        Assert.True(op.Counts.eq(fused.Counts).all().item<bool>(), $"counts {Describe(op.Counts)} vs {Describe(fused.Counts)}");
        Tensors.AllClose(op.Weights, fused.Weights, 1e-12);
        var (a, b) = (op.Value.ToDoubles(), fused.Value.ToDoubles());
        for (int i = 0; i < a.Length; i++)
            Assert.True(double.IsNaN(a[i]) ? double.IsNaN(b[i]) : Math.Abs(a[i] - b[i]) <= 2e-5 * Math.Max(1, Math.Abs(a[i])), $"row {i}: {a[i]} vs {b[i]}");
        Assert.True(double.IsNaN(b[1]) && double.IsNaN(b[2]) && double.IsNaN(b[3]));
    }

    [Fact]
    public void AllEqualLogitsPredictClassZeroOnBothPaths()
    {
        var input = zeros(new long[] { 2, 5, 3, 11 }, requires_grad: true);
        var target = randint(0, 5, new long[] { 2, 3, 11 }, dtype: ScalarType.Int64, generator: Support.Seeded.Generator(3));
        var op = Evaluate("precision", null, nn.Reduction.Mean, false, input, target);
        var fused = Evaluate("precision", null, nn.Reduction.Mean, true, input, target);
        AssertAgree(op, fused, ScalarType.Float32, "all equal");
        var counts = fused.Counts.data<long>().ToArray();
        Assert.Equal(2 * 3 * 11, counts[10]); // every position predicts class 0
    }

    [Fact]
    public void NonContiguousInputAndIntegerTargetsAgree()
    {
        var (input, target) = Case([2, 6, 5, 4], 0.2, false, ScalarType.Float32, 21);
        var transposed = input.detach().transpose(2, 3).contiguous().transpose(2, 3); // same values, other strides
        Assert.False(transposed.is_contiguous());
        var op = Evaluate("dice", null, nn.Reduction.Mean, false, input, target);
        var fused = Evaluate("dice", null, nn.Reduction.Mean, true, transposed, target.to_type(ScalarType.Int32));
        AssertAgree(op, fused, ScalarType.Float32, "non-contiguous");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    [InlineData(1000)]
    public void TargetOutsideTheClassRangeGivesTheOpPathsError(long bad)
    {
        var (input, target) = Case([2, 4, 3, 5], 0.3, false, ScalarType.Float32, 8);
        target[1, 2, 3] = tensor(bad);
        string Message(bool fused)
        {
            bool reduced = false;
            using var loss = new RecallCrossEntropy(4, ignore_index: Ignore, count_reducer: c => { reduced = true; return c; })
                { use_fused_kernel = fused };
            var e = Assert.Throws<ArgumentException>(() => loss.call(input, target));
            Assert.False(reduced);
            Assert.Equal("target", e.ParamName);
            return e.Message;
        }
        var message = Message(true);
        Assert.Contains($"class id {bad}", message);
        Assert.Equal(Message(false), message);
    }

    [Fact]
    public void AllIgnoredGivesZeroWithZeroGradientAndInputWithoutGradWorks()
    {
        var input = randn(new long[] { 2, 3, 4, 4 }, dtype: ScalarType.Float64).requires_grad_(true);
        using var ignore = Ignore.ToScalar();
        var target = full(new long[] { 2, 4, 4 }, ignore, dtype: ScalarType.Int64);
        using var loss = new RecallCrossEntropy(3, ignore_index: Ignore);
        var value = loss.call(input, target);
        Assert.Equal(ScalarType.Float64, value.dtype);
        Assert.Equal(0, value.dim());
        Assert.Equal(0.0, value.Scalar());
        value.backward();
        Assert.All(input.grad!.ToDoubles(), g => Assert.Equal(0.0, g));

        var (x, t) = Case([3, 4, 6], 0.2, false, ScalarType.Float32, 4);
        using var fused = new RecallCrossEntropy(4, ignore_index: Ignore);
        using var op = new RecallCrossEntropy(4, ignore_index: Ignore) { use_fused_kernel = false };
        using (no_grad())
            Assert.Equal(op.call(x, t).Scalar(), fused.call(x, t).Scalar(), 5);
        var plain = x.detach();
        Assert.False(fused.call(plain, t).requires_grad);
        Assert.Equal(op.call(plain, t).Scalar(), fused.call(plain, t).Scalar(), 5);
    }

    [Fact]
    public void ExtremeLogitsStayFiniteOnTheFusedPath()
    {
        var g = new Generator(5);
        foreach (var shape in new long[][] { [2, 4, 4, 4], [16, 12] })
        {
            var input = randn(shape, generator: g).sign().mul(TenThousand).requires_grad_(true);
            var target = randint(0, shape[1], shape.Where((_, i) => i != 1).ToArray(), dtype: ScalarType.Int64, generator: g);
            var op = Evaluate("recall", null, nn.Reduction.Mean, false, input, target);
            var fused = Evaluate("recall", null, nn.Reduction.Mean, true, input, target);
            Assert.True(fused.Grad.isfinite().all().item<bool>());
            AssertAgree(op, fused, ScalarType.Float32, "extreme");
        }
    }
}
