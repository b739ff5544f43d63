using RecallKit.Tests.Support;
using RecallKit.Vision.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Tests.Models;

/// <summary>The CPU kernel of <see cref="MaxPool"/> against libtorch's <see cref="MaxPool2d"/>: values and gradient positions.</summary>
public class MaxPoolTests
{
    public static TheoryData<long[], long, long, long> Cases() => new()
    {
        { [2, 3, 16, 32], 3, 2, 1 }, // the ResNet stem's pooling
        { [1, 2, 9, 13], 3, 2, 1 },  // odd sizes: the last window is clipped
        { [2, 2, 8, 10], 2, 2, 0 },  // non-overlapping
        { [1, 3, 7, 6], 3, 1, 1 },   // stride 1: every input in up to 9 windows
        { [1, 1, 11, 5], 5, 3, 2 },
        { [1, 2, 1, 1], 1, 1, 0 },   // one pixel
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float64ValuesAndGradientEqualLibtorchs(long[] shape, long kernel, long stride, long padding) =>
        AssertMatchesLibtorch(randn(shape, dtype: ScalarType.Float64, generator: Support.Seeded.Generator(5)), nn.MaxPool2d(kernel, stride, padding));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32ValuesAndGradientEqualLibtorchs(long[] shape, long kernel, long stride, long padding) =>
        AssertMatchesLibtorch(randn(shape, dtype: ScalarType.Float32, generator: Support.Seeded.Generator(6)), nn.MaxPool2d(kernel, stride, padding));

    /// <summary>Few distinct values: nearly every window has a tie, and the gradient must pick libtorch's element of it.</summary>
    [Theory]
    [InlineData(3, 2, 1)]
    [InlineData(3, 1, 1)]
    [InlineData(2, 2, 0)]
    public void TiesSendTheGradientWhereLibtorchSendsIt(long kernel, long stride, long padding)
    {
        using var scope = NewDisposeScope();
        foreach (long width in new long[] { 38, 31, 33 }) // odd widths: the stem path's padding column falls inside a vector
        {
            var values = randint(0, 2, [2, 3, 10, width], generator: Support.Seeded.Generator(7));
            AssertMatchesLibtorch(values.to_type(ScalarType.Float64), nn.MaxPool2d(kernel, stride, padding));
            AssertMatchesLibtorch(values.to_type(ScalarType.Float32), nn.MaxPool2d(kernel, stride, padding)); // the vectorised path
        }
    }

    /// <summary>NaN wins over numbers (the last NaN of a window takes the gradient); windows of −∞ still pick an input.</summary>
    [Theory]
    [InlineData(38)]
    [InlineData(31)]
    [InlineData(33)]
    public void NaNAndNegativeInfinityAreTreatedAsLibtorchTreatsThem(int width)
    {
        using var scope = NewDisposeScope();
        // The vectorised paths (8 or 16 lanes) and their scalar tails both see NaNs and −∞.
        var values = randn([1, 2, 8, width], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(8)).ToDoubles();
        var random = new Random(8);
        for (int i = 0; i < values.Length; i++)
        {
            if (random.NextDouble() < 0.12) values[i] = double.NaN;
            else if (random.NextDouble() < 0.05) values[i] = double.PositiveInfinity;
        }
        for (int i = 8 * width + 4 * width; i < values.Length; i++) values[i] = double.NegativeInfinity; // lower half of the second plane
        foreach (var dtype in new[] { ScalarType.Float64, ScalarType.Float32 })
        {
            AssertMatchesLibtorch(tensor(values, [1, 2, 8, width]).to_type(dtype), nn.MaxPool2d(3, 2, 1));
            AssertMatchesLibtorch(tensor(values, [1, 2, 8, width]).to_type(dtype), nn.MaxPool2d(3, 1, 1));
        }
    }

    [Fact]
    public void NonContiguousInputIsPooledAsItsValues()
    {
        using var scope = NewDisposeScope();
        var x = randn([2, 4, 12, 9], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(9)).permute(0, 1, 3, 2); // [2,4,9,12]
        Assert.False(x.is_contiguous());
        AssertMatchesLibtorch(x, nn.MaxPool2d(3, 2, 1));
    }

    [Fact]
    public void WithoutGradientTheResultEqualsLibtorchsAndTakesNoPartInAutograd()
    {
        using var scope = NewDisposeScope();
        var x = randn([1, 3, 10, 10], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(10)).requires_grad_(true);
        var pool = nn.MaxPool2d(3, 2, 1);
        using (no_grad())
        {
            var y = MaxPool.Pool(x, pool);
            Assert.False(y.requires_grad);
            Assert.Equal(pool.call(x).ToDoubles(), y.ToDoubles());
        }
        var plain = randn([1, 3, 10, 10], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(10)); // no grad wanted
        Assert.False(MaxPool.Pool(plain, pool).requires_grad);
    }

    /// <summary>Configurations the kernel does not take go to libtorch's operator, with its results and its errors.</summary>
    [Fact]
    public void OtherConfigurationsAndDtypesUseLibtorchsOperator()
    {
        using var scope = NewDisposeScope();
        var x = randn([1, 2, 9, 9], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(11));
        foreach (var pool in new[] { nn.MaxPool2d(3, 2, 1, dilation: 2), nn.MaxPool2d(3, 2, 1, ceil_mode: true) })
            Assert.Equal(pool.call(x).ToDoubles(), MaxPool.Pool(x, pool).ToDoubles());
        var half = x.to_type(ScalarType.BFloat16);
        var stem = nn.MaxPool2d(3, 2, 1);
        Assert.Equal(stem.call(half).ToDoubles(), MaxPool.Pool(half, stem).ToDoubles());
        Assert.ThrowsAny<Exception>(() => MaxPool.Pool(x, nn.MaxPool2d(2, 2, 2))); // padding above half the kernel: libtorch refuses
        var error = Assert.ThrowsAny<Exception>(() => MaxPool.Pool(randn([1, 1, 1, 8]), nn.MaxPool2d(2, 2, 0))); // one row, kernel 2
        Assert.Contains("too small", error.Message);
    }

    /// <summary>Output and input gradient (under a random probe) equal libtorch's exactly: a maximum is exact, and both sum a
    /// position's gradients in the same order.</summary>
    private static void AssertMatchesLibtorch(Tensor values, MaxPool2d pool)
    {
        using var scope = NewDisposeScope();
        var ours = values.detach().clone().requires_grad_(true);
        var theirs = values.detach().clone().requires_grad_(true);
        var actual = MaxPool.Pool(ours, pool);
        var expected = pool.call(theirs);
        Assert.Equal(expected.shape, actual.shape);
        var probe = randn(expected.shape, dtype: values.dtype, generator: Support.Seeded.Generator(99));
        actual.mul(probe).sum().backward();
        expected.mul(probe).sum().backward();
        AssertSame(expected.ToDoubles(), actual.ToDoubles(), "output");
        AssertSame(theirs.grad!.ToDoubles(), ours.grad!.ToDoubles(), "input gradient");
    }

    private static void AssertSame(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i].Equals(actual[i]), $"{what} element {i}: libtorch {expected[i]}, ours {actual[i]}");
    }
}
