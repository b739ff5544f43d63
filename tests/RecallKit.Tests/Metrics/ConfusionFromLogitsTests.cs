using RecallKit.Tests.Support;
using RecallKit.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Metrics;

/// <summary>
/// The one-pass update from logits counts exactly what <c>update(logits.argmax(1), targets)</c> counts. Changes torch's thread
/// count in some cases, so the class runs alone (other tests compare results bit for bit).
/// </summary>
[Collection(nameof(GlobalTorchState))]
public sealed class ConfusionFromLogitsTests
{
    private const long Ignore = 255;

    public static TheoryData<long[], ScalarType, int> Cases => new()
    {
        { [3, 5, 7, 9], ScalarType.Float32, 1 },
        { [3, 5, 7, 9], ScalarType.Float32, 2 },
        { [2, 4, 33], ScalarType.Float64, 2 },     // positions not a multiple of the vector width
        { [2, 6, 64, 80], ScalarType.Float32, 2 }, // several position blocks per image
        { [16, 7], ScalarType.Float32, 2 },        // [N,C]: the general path
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CountsEqualArgmaxThenUpdateWithTiesNaNAndIgnoredPixels(long[] shape, ScalarType dtype, int threads)
    {
        using var scope = NewDisposeScope();
        int before = get_num_threads();
        set_num_threads(threads);
        try
        {
            int c = (int)shape[1];
            var generator = new Generator(11);
            // Small integers: many ties, whose first maximum torch picks.
            var logits = randint(0, 3, shape, dtype: dtype, generator: generator);
            var flat = logits.view(-1);
            var nanAt = randint(0, flat.shape[0], [Math.Max(1, flat.shape[0] / 50)], dtype: ScalarType.Int64, generator: generator);
            using (var nan = double.NaN.ToScalar()) flat.index_fill_(0, nanAt, nan);
            var targetShape = shape.Where((_, i) => i != 1).ToArray();
            var targets = randint(0, c, targetShape, dtype: ScalarType.Int64, generator: generator);
            using Scalar fraction = 0.1.ToScalar(), ignore = Ignore.ToScalar();
            var ignored = rand(targetShape, generator: generator).lt(fraction);
            targets = targets.masked_fill(ignored, ignore);

            using var expected = new ConfusionMatrix(c, Ignore);
            expected.update(logits.argmax(1), targets);
            using var actual = new ConfusionMatrix(c, Ignore);
            actual.update_from_logits(logits, targets);
            actual.update_from_logits(logits, targets); // accumulates
            expected.update(logits.argmax(1), targets);

            Assert.Equal(expected.Matrix, actual.Matrix);
            Assert.True(actual.Matrix.Cast<long>().Sum() > 0);
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Theory]
    [InlineData(-3)]
    [InlineData(9)]
    public void AGroundTruthOutsideTheClassesIsTheSameErrorAsUpdateAndCountsNothing(long bad)
    {
        using var scope = NewDisposeScope();
        var logits = randn(2, 4, 5, 6);
        var targets = randint(0, 4, [2, 5, 6], dtype: ScalarType.Int64);
        targets[1, 2, 3] = tensor(bad);
        using var reference = new ConfusionMatrix(4, Ignore);
        var expected = Assert.Throws<ArgumentException>(() => reference.update(logits.argmax(1), targets));
        using var matrix = new ConfusionMatrix(4, Ignore);
        var error = Assert.Throws<ArgumentException>(() => matrix.update_from_logits(logits, targets));
        Assert.Equal(expected.Message, error.Message);
        Assert.Contains($"class id {bad}", error.Message);
        Assert.Equal(0, matrix.Matrix.Cast<long>().Sum());
    }

    [Fact]
    public void ShapesThatDoNotMatchAreNamed()
    {
        using var scope = NewDisposeScope();
        using var matrix = new ConfusionMatrix(4, Ignore);
        var wrongClasses = Assert.Throws<ArgumentException>(() => matrix.update_from_logits(randn(2, 3, 5, 5), zeros(new long[] { 2, 5, 5 }, ScalarType.Int64)));
        Assert.Contains("[N, 4, …]", wrongClasses.Message);
        var wrongTargets = Assert.Throws<ArgumentException>(() => matrix.update_from_logits(randn(2, 4, 5, 5), zeros(new long[] { 2, 5, 6 }, ScalarType.Int64)));
        Assert.Contains("[2, 5, 5]", wrongTargets.Message);
    }
}
