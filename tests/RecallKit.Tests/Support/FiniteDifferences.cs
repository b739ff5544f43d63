using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Support;

internal static class FiniteDifferences
{
    /// <summary>
    /// Compares autograd's gradient of <paramref name="f"/> at a float64 <paramref name="input"/> with central differences.
    /// <paramref name="f"/> must treat its non-differentiable parts (counts, weights) as constants near the point.
    /// </summary>
    public static void Check(Func<Tensor, Tensor> f, Tensor input, double step = 1e-6, double tolerance = 1e-6)
    {
        Assert.Equal(ScalarType.Float64, input.dtype);
        using var scope = NewDisposeScope();
        var x = input.detach().clone().requires_grad_(true);
        f(x).backward();
        var analytic = x.grad!.ToDoubles();
        var numeric = new double[analytic.Length];
        var flat = input.detach().clone().flatten();
        using var h = step.ToScalar();
        using (no_grad())
        {
            for (int i = 0; i < numeric.Length; i++)
            {
                using var elementScope = NewDisposeScope(); // the two evaluations' tensors go with each element
                var plus = flat.clone();
                plus[i] = plus[i].add(h, Scalars.One);
                var minus = flat.clone();
                minus[i] = minus[i].sub(h);
                numeric[i] = (f(plus.view(input.shape)).Scalar() - f(minus.view(input.shape)).Scalar()) / (2 * step);
            }
        }
        for (int i = 0; i < numeric.Length; i++)
            Assert.True(Math.Abs(analytic[i] - numeric[i]) <= tolerance * Math.Max(1, Math.Abs(numeric[i])),
                $"gradient element {i}: autograd {analytic[i]:R}, finite differences {numeric[i]:R}");
    }
}
