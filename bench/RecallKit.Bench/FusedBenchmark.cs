using System.Diagnostics;
using RecallKit.Losses;
using RecallKit.Runtime;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary>
/// The fused CPU kernel of the metric-weighted losses against their libtorch-op path and plain <c>cross_entropy</c>,
/// forward+backward, interleaved in one process (ratios of medians), in both allocator regimes: the parent runs itself once
/// with the retaining allocator and once with <c>--system-allocator</c>.
/// </summary>
internal static class FusedBenchmark
{
    private const long Ignore = 255;

    private sealed record Case(string Name, long[] Shape, int InnerLoops);

    private static readonly Case[] Cases =
    [
        new("segmentation", [8, 19, 256, 512], 1),
        new("classification (iNat)", [128, 8142], 50),
    ];

    private sealed record Variant(string Name, Func<long, MetricWeightedCrossEntropy> Create, bool Fused);

    private static readonly Variant[] Variants =
    [
        new("recall (batch)", c => new RecallCrossEntropy(c, ignore_index: Ignore), true),
        new("recall (batch)", c => new RecallCrossEntropy(c, ignore_index: Ignore), false),
        new("recall (EMA 0.9)", c => new RecallCrossEntropy(c, ema_alpha: 0.9, ignore_index: Ignore), true),
        new("precision (batch)", c => new MetricWeightedCrossEntropy(c, RegionMetric.Precision, ignore_index: Ignore), true),
        new("precision (batch)", c => new MetricWeightedCrossEntropy(c, RegionMetric.Precision, ignore_index: Ignore), false),
    ];

    /// <summary>Runs this benchmark in two child processes, one per allocator regime, and prints both tables.</summary>
    public static int RunBothRegimes(string[] args)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? $"\"{typeof(FusedBenchmark).Assembly.Location}\" " : "";
        var forwarded = string.Join(" ", args.Skip(1).Where(a => a != "--system-allocator"));
        foreach (var system in new[] { false, true })
        {
            var start = new ProcessStartInfo(self, $"{prefix}fused-one {forwarded}{(system ? " --system-allocator" : "")}")
            {
                UseShellExecute = false,
            };
            using var child = Process.Start(start)!;
            child.WaitForExit();
            if (child.ExitCode != 0) return child.ExitCode;
        }
        return 0;
    }

    public static void Run(int repeats)
    {
        Console.WriteLine();
        Console.WriteLine($"## Fused kernel: forward+backward vs cross_entropy, {(NativeAllocator.Retaining ? "retaining allocator" : "system allocator")} (median of {repeats} interleaved runs)");
        Console.WriteLine();
        Console.WriteLine("| input | loss | path | ms CE | ms loss | loss / CE | fused / op |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|");
        foreach (var @case in Cases)
        {
            using var scope = NewDisposeScope();
            var (input, target) = LossBenchmark.RandomBatch(@case.Shape, new Generator(7));
            var losses = Variants.Select(v =>
            {
                var loss = v.Create(@case.Shape[1]);
                loss.use_fused_kernel = v.Fused;
                loss.train();
                return loss;
            }).ToArray();
            var ce = new List<double>();
            var times = Variants.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < repeats + 1; r++)
            {
                // One CE timing per variant timing, interleaved, so that each ratio compares neighbours in time.
                var tc = LossBenchmark.Time(input, x => nn.functional.cross_entropy(x, target, ignore_index: Ignore), @case.InnerLoops);
                var tv = losses.Select(l => LossBenchmark.Time(input, x => l.call(x, target), @case.InnerLoops)).ToArray();
                if (r == 0) continue; // warm-up
                ce.Add(tc);
                for (int v = 0; v < tv.Length; v++) times[v].Add(tv[v]);
            }
            double mc = LossBenchmark.Median(ce);
            for (int v = 0; v < Variants.Length; v++)
            {
                double mv = LossBenchmark.Median(times[v]);
                var other = Array.FindIndex(Variants, o => o.Name == Variants[v].Name && o.Fused != Variants[v].Fused);
                // Per-repetition ratio, then the median: robust to a slow repetition of either side.
                var relative = other < 0 || !Variants[v].Fused
                    ? ""
                    : $"{LossBenchmark.Median(times[v].Zip(times[other], (a, b) => a / b).ToList()):F2}×";
                var vsCe = LossBenchmark.Median(times[v].Zip(ce, (a, b) => a / b).ToList());
                Console.WriteLine($"| [{string.Join(",", @case.Shape)}] {@case.Name} | {Variants[v].Name} | {(Variants[v].Fused ? "fused" : "op")} | {mc:F1} | {mv:F1} | {vsCe:F2}× | {relative} |");
            }
            foreach (var loss in losses) loss.Dispose();
        }
    }

    /// <summary>Forward / backward split of the fused recall loss and of cross_entropy (diagnostics, one regime).</summary>
    public static void Profile(int repeats)
    {
        foreach (var @case in Cases)
        {
            using var outer = NewDisposeScope();
            var (input, target) = LossBenchmark.RandomBatch(@case.Shape, new Generator(7));
            using var loss = new RecallCrossEntropy(@case.Shape[1], ignore_index: Ignore);
            for (int r = 0; r < repeats; r++)
            {
                double f = 0, b = 0, cf = 0, cb = 0, plain = 0;
                for (int i = 0; i < @case.InnerLoops; i++)
                {
                    using var scope = NewDisposeScope();
                    var x = input.detach().requires_grad_(true);
                    var watch = Stopwatch.StartNew();
                    var value = loss.call(x, target);
                    f += watch.Elapsed.TotalMilliseconds;
                    watch.Restart();
                    value.backward();
                    b += watch.Elapsed.TotalMilliseconds;
                    var y = input.detach().requires_grad_(true);
                    watch.Restart();
                    var ce = nn.functional.cross_entropy(y, target, ignore_index: Ignore);
                    cf += watch.Elapsed.TotalMilliseconds;
                    watch.Restart();
                    ce.backward();
                    cb += watch.Elapsed.TotalMilliseconds;
                    watch.Restart();
                    using (no_grad()) loss.call(input, target);
                    plain += watch.Elapsed.TotalMilliseconds;
                }
                int k = @case.InnerLoops;
                Console.WriteLine($"{@case.Name}: fused forward {f / k:F2} ms, backward {b / k:F2} ms, forward without grad {plain / k:F2} ms | cross_entropy forward {cf / k:F2} ms, backward {cb / k:F2} ms");
            }
        }
    }
}
