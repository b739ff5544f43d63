using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Support;

internal static class Tensors
{
    public static Tensor Logits(double[,] values, ScalarType dtype = ScalarType.Float64, bool requires_grad = true)
    {
        int n = values.GetLength(0), c = values.GetLength(1);
        var flat = new double[n * c];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, new long[] { n, c }, dtype: dtype).requires_grad_(requires_grad);
    }

    public static Tensor Targets(params long[] values) => tensor(values, dtype: ScalarType.Int64);

    public static double[] ToDoubles(this Tensor t) => t.detach().to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();

    public static double Scalar(this Tensor t) => t.detach().to_type(ScalarType.Float64).cpu().item<double>();

    public static void AllClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance = 1e-9)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance})");
    }

    /// <summary>Random logits [N,C,d…] and targets [N,d…] with a given fraction of ignored positions.</summary>
    public static (Tensor input, Tensor target) Random(long[] inputShape, long ignore_index, double ignoreFraction, int seed,
        ScalarType dtype = ScalarType.Float64)
    {
        var g = new Generator((ulong)seed);
        var input = randn(inputShape, dtype: dtype, generator: g).mul(Scalars.Two);
        var targetShape = inputShape.Where((_, i) => i != 1).ToArray();
        var target = randint(0, inputShape[1], targetShape, dtype: ScalarType.Int64, generator: g);
        using var fraction = ignoreFraction.ToScalar();
        var ignored = rand(targetShape, dtype: ScalarType.Float64, generator: g).lt(fraction);
        using var ignore = ignore_index.ToScalar();
        target = target.masked_fill(ignored, ignore);
        return (input.requires_grad_(true), target);
    }
}
