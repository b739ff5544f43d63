using System.Diagnostics;
using RecallKit.Losses;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary>
/// Forward+backward time of each loss against plain <c>cross_entropy</c> on the same tensors, interleaved in one process
/// so that machine noise affects both alike; the ratio of medians is the figure that matters.
/// </summary>
internal static class LossBenchmark
{
    private const long Ignore = 255;

    /// <param name="InnerLoops">Calls per timing, so that sub-millisecond cases are not dominated by timer and scheduling noise.</param>
    /// <param name="Confidence">0 for random logits (an untrained model); otherwise the logit margin added to the target class at
    /// 80 % of positions, like a model at ≈ 80 % pixel accuracy.</param>
    private sealed record Case(string Name, long[] Shape, int InnerLoops, double Confidence);

    private sealed record Variant(string Name, Func<long, nn.Module<Tensor, Tensor, Tensor>> Create);

    private static readonly Case[] Cases =
    [
        new("segmentation, random logits", [8, 19, 256, 512], 1, 0),
        new("segmentation, 80 % accurate logits", [8, 19, 256, 512], 1, 4),
        new("classification (iNat), random logits", [128, 8142], 50, 0),
    ];

    /// <summary>A long-tailed count profile n_c = 10⁶·100^(−c/(C−1)) for the frequency-based losses.</summary>
    private static long[] Counts(long c) => Enumerable.Range(0, (int)c).Select(i => (long)(1e6 * Math.Pow(100, -(double)i / Math.Max(1, c - 1)))).ToArray();

    private static readonly Variant[] Variants =
    [
        new("recall (batch)", c => new RecallCrossEntropy(c, ignore_index: Ignore)),
        new("recall (batch, op path)", c => new RecallCrossEntropy(c, ignore_index: Ignore) { use_fused_kernel = false }),
        new("recall (EMA 0.9)", c => new RecallCrossEntropy(c, ema_alpha: 0.9, ignore_index: Ignore)),
        new("precision (batch)", c => new MetricWeightedCrossEntropy(c, RegionMetric.Precision, ignore_index: Ignore)),
        new("inverse frequency", c => new FrequencyWeightedCrossEntropy(c, Counts(c), ignore_index: Ignore)),
        new("class-balanced (softmax)", c => new ClassBalancedCrossEntropy(c, Counts(c), ignore_index: Ignore)),
        new("focal γ=2", c => new FocalLoss(c, 2, ignore_index: Ignore)),
        new("OHEM 0.7", c => new OhemCrossEntropy(c, 0.7, ignore_index: Ignore)),
        new("SoftIoU", c => new SoftIoULoss(c, ignore_index: Ignore)),
        new("Lovász-softmax", c => new LovaszSoftmaxLoss(c, ignore_index: Ignore)),
        new("LDAM", c => new LdamLoss(Counts(c), ignore_index: Ignore)),
    ];

    /// <summary>Losses whose cost grows with C in a way that makes the 8,142-class case unrepresentative (one sort per class).</summary>
    private static bool Skip(Case @case, Variant variant) => @case.Shape[1] > 1000 && variant.Name == "Lovász-softmax";

    public static void Run(int repeats)
    {
        Console.WriteLine();
        Console.WriteLine($"## Loss forward+backward vs cross_entropy (median of {repeats} interleaved runs; ratio: median of per-run ratios)");
        Console.WriteLine();
        Console.WriteLine("| input | loss | ms CE | ms loss | ratio |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var @case in Cases)
        {
            using var scope = NewDisposeScope();
            var g = new Generator(7);
            var (input, target) = RandomBatch(@case.Shape, g);
            var targetShape = @case.Shape.Where((_, i) => i != 1).ToArray();
            if (@case.Confidence > 0)
            {
                // Scalars held for the calls (RK0001).
                using Scalar ignore = Ignore.ToScalar(), zero = 0.ToScalar(), fraction = 0.8.ToScalar(),
                    confidence = @case.Confidence.ToScalar(), one = 1.ToScalar();
                var boosted = nn.functional.one_hot(target.masked_fill(target.eq(ignore), zero), @case.Shape[1])
                    .movedim(new long[] { -1 }, new long[] { 1 }).to_type(ScalarType.Float32);
                var chosen = rand(targetShape, generator: g).lt(fraction).unsqueeze(1);
                input = input.add((boosted * chosen).mul(confidence), one).contiguous();
            }
            // The first timings of a new shape ran while the allocator adapted to it (glibc raises its mmap threshold as
            // blocks are freed): warm the shape up with cross_entropy before the first variant.
            for (int w = 0; w < 5; w++) Time(input, x => nn.functional.cross_entropy(x, target, ignore_index: Ignore), @case.InnerLoops);
            foreach (var variant in Variants.Where(v => !Skip(@case, v)))
            {
                using var loss = variant.Create(@case.Shape[1]);
                loss.train();
                var ce = new List<double>();
                var other = new List<double>();
                for (int r = 0; r < repeats + 2; r++)
                {
                    var tc = Time(input, x => nn.functional.cross_entropy(x, target, ignore_index: Ignore), @case.InnerLoops);
                    var tl = Time(input, x => loss.call(x, target), @case.InnerLoops);
                    if (r < 2) continue; // warm-up
                    ce.Add(tc);
                    other.Add(tl);
                }
                // Per-repetition ratio, then the median: robust to a slow repetition of either side.
                double mc = Median(ce), ml = Median(other), ratio = Median(other.Zip(ce, (l, c) => l / c).ToList());
                Console.WriteLine($"| [{string.Join(",", @case.Shape)}] {@case.Name} | {variant.Name} | {mc:F1} | {ml:F1} | {ratio:F2}× |");
            }
        }
    }

    /// <summary>Random float32 logits of <paramref name="shape"/> [N,C,…] and targets with 5 % of positions ignored.</summary>
    internal static (Tensor input, Tensor target) RandomBatch(long[] shape, Generator g)
    {
        var input = randn(shape, generator: g);
        var targetShape = shape.Where((_, i) => i != 1).ToArray();
        using Scalar fraction = 0.05.ToScalar(), ignore = Ignore.ToScalar();
        var target = randint(0, shape[1], targetShape, dtype: ScalarType.Int64, generator: g)
            .masked_fill(rand(targetShape, generator: g).lt(fraction), ignore);
        return (input, target);
    }

    internal static double Time(Tensor input, Func<Tensor, Tensor> f, int loops)
    {
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < loops; i++)
        {
            using var scope = NewDisposeScope();
            var x = input.detach().requires_grad_(true);
            f(x).backward();
            _ = x.grad!.sum().item<float>();
        }
        return watch.Elapsed.TotalMilliseconds / loops;
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
