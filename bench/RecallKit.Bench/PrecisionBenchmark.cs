using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;

namespace RecallKit.Bench;

/// <summary>
/// <c>bench precision</c>: the trainer's real step in fp32 and in bf16 (<c>precision = bf16</c>), interleaved A/B rounds in one
/// process, and the convolution table (<see cref="PrecisionConvolutions"/>). oneDNN reads its ISA limit once per process, so
/// each limit runs in a child process: the default (AVX-512 with its bf16 instructions on this CPU) and, for the convolutions,
/// <c>ONEDNN_MAX_CPU_ISA=AVX2</c>, the limit the test suite sets, under which oneDNN has no bf16 kernels.
/// </summary>
internal static class PrecisionBenchmark
{
    private sealed record Case(string Name, StepCase Step, int Warmup, int Steps);

    private static readonly Case[] Cases =
    [
        new("DeepLabV3+ ResNet-18", new StepCase(Architecture.DeepLabV3PlusResNet18, 19, 4, 256, 512), 1, 3),
        new("LiteSeg", new StepCase(Architecture.LiteSeg, 19, 8, 96, 192), 3, 10),
        new("ResNet-18 classifier, 100 classes", new StepCase(Architecture.ResNet18, 100, 32, 112, 112), 1, 4),
    ];

    /// <summary>Starts the children: steps and convolutions with the default ISA, convolutions with the AVX2 limit.</summary>
    public static int Run(string[] args)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? $"\"{typeof(PrecisionBenchmark).Assembly.Location}\" " : "";
        var forwarded = string.Join(" ", args.Skip(1));
        foreach (var (suite, isa) in new[] { ("precision-steps", ""), ("precision-conv", ""), ("precision-conv", "AVX2") })
        {
            if (isa.Length > 0 && args.Contains("--skip-avx2")) continue;
            var start = new ProcessStartInfo(self, $"{prefix}{suite} {forwarded}") { UseShellExecute = false };
            start.Environment["ONEDNN_MAX_CPU_ISA"] = isa.Length > 0 ? isa : "ALL"; // ALL: no limit (an inherited one is overridden)
            using var child = Process.Start(start)!;
            child.WaitForExit();
            if (child.ExitCode != 0) return child.ExitCode;
        }
        return 0;
    }

    /// <summary>The step table: per case, <paramref name="rounds"/> rounds of fp32 then bf16, each its own short training run.</summary>
    public static void Steps(int threads, int rounds, string isa)
    {
        Console.WriteLine();
        Console.WriteLine($"## Training step, bf16 / fp32 (oneDNN ISA limit: {isa}; {rounds} interleaved rounds, median step of each run)");
        Console.WriteLine();
        Console.WriteLine("| network | batch | input | s/step fp32 | s/step bf16 | bf16 / fp32 per round | median ratio |");
        Console.WriteLine("|---|---:|---|---:|---:|---|---:|");
        foreach (var c in Cases)
        {
            var fp32 = new List<double>();
            var bf16 = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                fp32.Add(Median(c, PrecisionKind.Fp32, threads));
                bf16.Add(Median(c, PrecisionKind.Bf16, threads));
            }
            var ratios = fp32.Zip(bf16, (a, b) => b / a).ToArray();
            Console.WriteLine($"| {c.Name} | {c.Step.Batch} | {c.Step.Height}×{c.Step.Width} | {TrainerSteps.Median(fp32) / 1000:F3} | " +
                $"{TrainerSteps.Median(bf16) / 1000:F3} | {string.Join(", ", ratios.Select(x => x.ToString("F2")))} | {TrainerSteps.Median(ratios):F2} |");
        }
    }

    private static double Median(Case c, PrecisionKind precision, int threads) =>
        TrainerSteps.Median(TrainerSteps.Measure(c.Step, new LossConfig { Kind = LossKind.Recall }, new OptimizerConfig(), c.Steps, c.Warmup, threads,
            precision: precision));

    /// <summary>The ISA limit this process runs with, as oneDNN reads it.</summary>
    public static string Isa() => Environment.GetEnvironmentVariable("ONEDNN_MAX_CPU_ISA") is { Length: > 0 } isa and not "ALL" ? isa : "none (default: AVX-512 with bf16 here)";
}
