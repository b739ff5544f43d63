using RecallKit.Losses;
using RecallKit.Tests.Support;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

public class BadInputTests
{
    [Fact]
    public void ShapeMismatchNamesBothShapes()
    {
        using var loss = new RecallCrossEntropy(3);
        var e = Assert.Throws<ArgumentException>(() => loss.call(zeros(2, 3, 4, 4), zeros(new long[] { 2, 4, 5 }, ScalarType.Int64)));
        Assert.Contains("[2,4,5]", e.Message);
        Assert.Contains("[2,3,4,4]", e.Message);
    }

    [Fact]
    public void FloatingTargetIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => functional.recall_cross_entropy(zeros(2, 3), zeros(2)));
        Assert.Contains("integer class ids", e.Message);
        Assert.Contains("Float32", e.Message);
    }

    [Fact]
    public void IntegerInputIsRejected()
    {
        using var loss = new RecallCrossEntropy(3);
        var e = Assert.Throws<ArgumentException>(() => loss.call(zeros(new long[] { 2, 3 }, ScalarType.Int64), zeros(new long[] { 2 }, ScalarType.Int64)));
        Assert.Contains("floating point", e.Message);
    }

    [Theory]
    [InlineData(3L)]
    [InlineData(-1L)]
    [InlineData(254L)]
    public void TargetOutsideClassRangeNamesTheValue(long bad)
    {
        using var loss = new RecallCrossEntropy(3, ignore_index: 255);
        var target = Tensors.Targets(0, bad, 255, 2);
        var e = Assert.Throws<ArgumentException>(() => loss.call(zeros(4, 3), target));
        Assert.Contains($"class id {bad}", e.Message);
        Assert.Contains("[0, 3)", e.Message);
    }

    [Fact]
    public void Int32TargetsAreAccepted()
    {
        var input = Tensors.Logits(new double[,] { { 2, 0 }, { 0, 1 } });
        var value = functional.recall_cross_entropy(input, tensor(new[] { 0, 0 }, dtype: ScalarType.Int32));
        Assert.True(value.Scalar() > 0);
    }

    [Fact]
    public void ClassCountDifferentFromNumClassesIsRejected()
    {
        using var loss = new RecallCrossEntropy(4);
        var e = Assert.Throws<ArgumentException>(() => loss.call(zeros(2, 3), Tensors.Targets(0, 1)));
        Assert.Contains("C = 3", e.Message);
        Assert.Contains("num_classes = 4", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void EmaAlphaOutsideZeroOneIsRejected(double alpha)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RecallCrossEntropy(3, ema_alpha: alpha));
        Assert.Contains("(0, 1]", e.Message);
    }

    [Theory]
    [InlineData(-0.1, 0.5)]
    [InlineData(0.5, -1)]
    public void NegativeTverskyParametersAreRejected(double alpha, double beta)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RegionMetric.Tversky(alpha, beta));
    }

    [Fact]
    public void OneDimensionalInputIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => functional.recall_cross_entropy(zeros(3), Tensors.Targets(0)));
        Assert.Contains("[3]", e.Message);
    }
}
