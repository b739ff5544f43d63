using RecallKit.Losses;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>Finite values and gradients at the edges: extreme logits, single-pixel classes, perfect predictions, random cases.</summary>
public class NumericalSafetyTests
{
    private const long Ignore = 255;

    [Theory]
    [MemberData(nameof(BaselineLossPropertyTests.Losses), MemberType = typeof(BaselineLossPropertyTests))]
    [InlineData("recall")]
    [InlineData("recall-ema")]
    [InlineData("precision")]
    public void ExtremeFloat32LogitsGiveFiniteLossAndGradient(string name)
    {
        using var loss = Create(name);
        var g = new Generator(5);
        using var extreme = 1e4f.ToScalar();
        var input = randn(new long[] { 2, 4, 4, 4 }, generator: g).sign().mul(extreme).requires_grad_(true);
        var target = randint(0, 4, new long[] { 2, 4, 4 }, dtype: ScalarType.Int64, generator: g);
        var value = loss.call(input, target);
        Assert.True(value.isfinite().all().item<bool>(), $"{name}: {value}");
        value.sum().backward();
        Assert.True(input.grad!.isfinite().all().item<bool>(), $"{name}: non-finite gradient");
    }

    private static nn.Module<Tensor, Tensor, Tensor> Create(string name) => name switch
    {
        "recall" => new RecallCrossEntropy(4, ignore_index: Ignore),
        "recall-ema" => new RecallCrossEntropy(4, 0.3, Ignore),
        "precision" => new MetricWeightedCrossEntropy(4, RegionMetric.Precision, ignore_index: Ignore),
        _ => BaselineLossPropertyTests.Create(name),
    };

    [Fact]
    public void AClassWithASinglePixelAndAPerfectBatchStayFinite()
    {
        var target = zeros(new long[] { 1, 5, 5 }, dtype: ScalarType.Int64);
        target[0, 2, 3] = tensor(3L);
        var input = randn(new long[] { 1, 4, 5, 5 }, dtype: ScalarType.Float64, generator: Support.Seeded.Generator(2)).requires_grad_(true);
        using var recall = new RecallCrossEntropy(4);
        var value = recall.call(input, target);
        Assert.True(double.IsFinite(value.Scalar()));
        using var fifty = 50.ToScalar();
        var perfect = nn.functional.one_hot(target, 4).movedim(new long[] { -1 }, new long[] { 1 }).to_type(ScalarType.Float64).mul(fifty);
        Assert.Equal(0.0, recall.call(perfect.requires_grad_(true), target).Scalar());
        Tensors.AllClose([0, 0, 0, 0], recall.last_weights.ToDoubles());
    }

    [Fact]
    public void HundredsOfRandomCasesAgreeWithTheReferenceLoop()
    {
        var random = new Random(2026);
        for (int i = 0; i < 300; i++)
        {
            using var scope = NewDisposeScope();
            int dims = random.Next(0, 3);
            long classes = random.Next(1, 7);
            var shape = new List<long> { random.Next(1, 4), classes };
            for (int d = 0; d < dims; d++) shape.Add(random.Next(1, 5));
            var dtype = random.Next(2) == 0 ? ScalarType.Float32 : ScalarType.Float64;
            var (input, target) = Tensors.Random(shape.ToArray(), Ignore, random.NextDouble() * 0.6, seed: i, dtype: dtype);
            using var loss = new RecallCrossEntropy(classes, ignore_index: Ignore);
            var value = loss.call(input, target);
            value.backward();
            Assert.True(double.IsFinite(value.Scalar()), $"case {i}");
            Assert.Equal(input.shape, input.grad!.shape);
            var (rows, targets) = ReferenceLoss.Flatten(input, target);
            var w = ReferenceLoss.BatchWeights(rows, targets, (int)classes, Ignore, 0, 1);
            var (sum, valid, _) = ReferenceLoss.Weighted(rows, targets, w, Ignore);
            double expected = valid == 0 ? 0 : sum / valid;
            Assert.True(Math.Abs(expected - value.Scalar()) <= (dtype == ScalarType.Float32 ? 1e-4 : 1e-10) * Math.Max(1, expected),
                $"case {i} shape [{string.Join(",", shape)}] {dtype}: expected {expected}, got {value.Scalar()}");
        }
    }
}
