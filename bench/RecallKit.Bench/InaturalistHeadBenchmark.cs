using System.Diagnostics;
using RecallKit.Losses;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary><c>bench classification</c> (second part): the iNaturalist-size classifier head with cross-entropy vs EMA recall.</summary>
internal static class InaturalistHeadBenchmark
{
    /// <summary>
    /// The classifier head at iNaturalist size — features [128, 2048] → fc → loss, forward and backward — with cross-entropy
    /// and with EMA recall (α = 0.001), interleaved; the ratio of medians is the loss's cost where it is actually used.
    /// </summary>
    public static void Run(int repeats)
    {
        using var fc = nn.Linear(2048, 8142);
        using var recall = new RecallCrossEntropy(8142, ema_alpha: 0.001);
        var generator = new Generator(5);
        var features = randn(new long[] { 128, 2048 }, generator: generator);
        var target = randint(0, 8142, new long[] { 128 }, dtype: ScalarType.Int64, generator: generator);
        double Time(Func<Tensor, Tensor> loss)
        {
            using var scope = NewDisposeScope();
            fc.zero_grad();
            var watch = Stopwatch.StartNew();
            loss(fc.call(features)).backward();
            return watch.Elapsed.TotalMilliseconds;
        }
        var ce = new List<double>();
        var rc = new List<double>();
        for (int i = 0; i < repeats + 2; i++)
        {
            double a = Time(x => nn.functional.cross_entropy(x, target)), b = Time(x => recall.call(x, target));
            if (i >= 2) { ce.Add(a); rc.Add(b); }
        }
        double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        Console.WriteLine();
        Console.WriteLine($"8,142-class head (fc 2048→8142 + loss, forward + backward, batch 128, median of {repeats}): " +
            $"cross-entropy {Median(ce):F1} ms, EMA recall {Median(rc):F1} ms, ratio {Median(rc) / Median(ce):F2}×");
    }
}
