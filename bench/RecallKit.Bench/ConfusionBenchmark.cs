using System.Diagnostics;
using RecallKit.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary><c>bench confusion</c>: the evaluation's confusion update from logits in one pass vs arg-max then <c>update</c>.</summary>
internal static class ConfusionBenchmark
{
    public static void Run(int repeats)
    {
        using var scope = NewDisposeScope();
        long[] shape = [8, 19, 256, 512];
        var logits = randn(shape, generator: new Generator(5));
        var targets = randint(0, 19, [8, 256, 512], dtype: ScalarType.Int64, generator: new Generator(6));
        using (Scalar fraction = 0.1.ToScalar(), ignore = 255.ToScalar())
            targets = targets.masked_fill(rand([8, 256, 512], generator: new Generator(7)).lt(fraction), ignore);
        double Time(Action<ConfusionMatrix> update)
        {
            var times = new List<double>();
            for (int r = 0; r < repeats + 1; r++)
            {
                using var matrix = new ConfusionMatrix(19, 255);
                var watch = Stopwatch.StartNew();
                update(matrix);
                if (r > 0) times.Add(watch.Elapsed.TotalMilliseconds);
            }
            return times.Order().ElementAt(times.Count / 2);
        }
        double separate = Time(m =>
        {
            using var predictions = logits.argmax(1);
            m.update(predictions, targets);
        });
        double fused = Time(m => m.update_from_logits(logits, targets));
        Console.WriteLine($"confusion update [{string.Join(",", shape)}], median of {repeats}: argmax + update {separate:F1} ms, update_from_logits {fused:F1} ms ({fused / separate:F2}×)");
    }
}
