using RecallKit.Tests.Support;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Models;

/// <summary>The CPU kernel of <see cref="BilinearResize"/> against libtorch's <c>interpolate</c> (bilinear, align_corners = false).</summary>
public class BilinearResizeTests
{
    public static TheoryData<long[], long, long> Shapes() => new()
    {
        { [2, 3, 8, 16], 32, 64 },   // ×4, as DeepLabV3+'s decoder and logits
        { [2, 5, 1, 1], 4, 7 },      // the image-pooling branch: one source pixel
        { [1, 2, 7, 5], 3, 11 },     // shrink one axis, stretch the other (non-integer factors)
        { [3, 4, 10, 13], 23, 7 },
        { [1, 1, 5, 9], 5, 9 },      // same size: the identity
        { [1, 2, 2, 3], 9, 1 },      // one output column
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float64ForwardAndGradientEqualLibtorchs(long[] shape, long height, long width) =>
        AssertMatchesInterpolate(shape, height, width, ScalarType.Float64, 1e-12);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float32ForwardAndGradientEqualLibtorchsWithinRounding(long[] shape, long height, long width) =>
        AssertMatchesInterpolate(shape, height, width, ScalarType.Float32, 2e-5);

    [Fact]
    public void AKeptSizeReadsOnlyItsOwnRowsSoAnInfiniteNeighbourStaysInItsRow()
    {
        using var scope = NewDisposeScope();
        var values = Enumerable.Range(0, 12).Select(i => (double)i).ToArray();
        values[6] = double.PositiveInfinity; // row 1, column 2
        var x = tensor(values, [1, 1, 3, 4]);
        var expected = nn.functional.interpolate(x, [3, 8], mode: InterpolationMode.Bilinear, align_corners: false).ToDoubles();
        var actual = BilinearResize.Resize(x, 3, 8).ToDoubles();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i].Equals(actual[i]), $"element {i}: libtorch {expected[i]}, ours {actual[i]}");
        Assert.All(actual.Take(8).Concat(actual.Skip(16)), v => Assert.True(double.IsFinite(v))); // rows 0 and 2 untouched by the ∞
    }

    [Fact]
    public void NonContiguousInputIsResizedAsItsValues()
    {
        using var scope = NewDisposeScope();
        var x = randn([2, 6, 9, 3], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(3)).permute(0, 1, 3, 2); // [2,6,3,9], not contiguous
        Assert.False(x.is_contiguous());
        var expected = nn.functional.interpolate(x, [7, 20], mode: InterpolationMode.Bilinear, align_corners: false);
        Tensors.AllClose(expected.ToDoubles(), BilinearResize.Resize(x, 7, 20).ToDoubles(), 1e-12);
    }

    [Fact]
    public void WithoutGradientTheResultTakesNoPartInAutograd()
    {
        using var scope = NewDisposeScope();
        var x = randn([1, 2, 4, 4], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(4)).requires_grad_(true);
        using (no_grad())
        {
            var y = BilinearResize.Resize(x, 8, 8);
            Assert.False(y.requires_grad);
            Tensors.AllClose(nn.functional.interpolate(x, [8, 8], mode: InterpolationMode.Bilinear, align_corners: false).ToDoubles(), y.ToDoubles(), 1e-12);
        }
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var x = randn([1, 2, 3, 4], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(5));
        var probe = randn([1, 2, 5, 7], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(6));
        FiniteDifferences.Check(v => BilinearResize.Resize(v, 5, 7).mul(probe).sum(), x);
    }

    [Fact]
    public void OtherDtypesGoThroughLibtorch()
    {
        using var scope = NewDisposeScope();
        var x = randn([1, 2, 4, 6], generator: Support.Seeded.Generator(7)).to_type(ScalarType.BFloat16);
        var expected = nn.functional.interpolate(x, [8, 3], mode: InterpolationMode.Bilinear, align_corners: false);
        var actual = BilinearResize.Resize(x, 8, 3);
        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        Tensors.AllClose(expected.ToDoubles(), actual.ToDoubles(), 0);
    }

    private static void AssertMatchesInterpolate(long[] shape, long height, long width, ScalarType dtype, double tolerance)
    {
        using var scope = NewDisposeScope();
        var x = randn(shape, dtype: dtype, generator: Support.Seeded.Generator(1)).requires_grad_(true);
        var grad = randn([shape[0], shape[1], height, width], dtype: dtype, generator: Support.Seeded.Generator(2));

        var ours = BilinearResize.Resize(x, height, width);
        ours.backward([grad]);
        var oursGrad = x.grad!.ToDoubles();
        x.grad!.zero_();
        var theirs = nn.functional.interpolate(x, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        theirs.backward([grad]);

        Assert.Equal(theirs.shape, ours.shape);
        Assert.Equal(dtype, ours.dtype);
        Tensors.AllClose(theirs.ToDoubles(), ours.ToDoubles(), tolerance);
        Tensors.AllClose(x.grad!.ToDoubles(), oursGrad, tolerance);
    }
}
