using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;

namespace RecallKit.Bench;

/// <summary><c>bench train</c>: the trainer's step for the segmentation networks (recall loss, Adam), random data.</summary>
internal static class SegmentationStepBenchmark
{
    private sealed record Setup(string Name, StepCase Case, int Warmup, int Steps);

    private static readonly Setup[] Setups =
    [
        new("LiteSeg", new StepCase(Architecture.LiteSeg, 19, 8, 96, 192), 5, 30),
        new("DeepLabV3+ ResNet18", new StepCase(Architecture.DeepLabV3PlusResNet18, 19, 4, 256, 512), 1, 4),
        new("DeepLabV3+ ResNet50", new StepCase(Architecture.DeepLabV3PlusResNet50, 19, 4, 256, 512), 1, 3),
    ];

    /// <summary>Prints the table and returns images/s per network.</summary>
    public static Dictionary<string, double> Run(int threads)
    {
        Console.WriteLine();
        Console.WriteLine("## Training step (the trainer's step: forward + recall loss + backward + Adam), random data, median");
        Console.WriteLine();
        Console.WriteLine("| model | batch | input | s/step | images/s |");
        Console.WriteLine("|---|---:|---|---:|---:|");
        var rates = new Dictionary<string, double>();
        foreach (var s in Setups)
        {
            double perStep = TrainerSteps.Median(TrainerSteps.Measure(s.Case, new LossConfig { Kind = LossKind.Recall },
                new OptimizerConfig { Kind = OptimizerKind.Adam, LearningRate = 1e-3 }, s.Steps, s.Warmup, threads)) / 1000;
            rates[s.Name] = s.Case.Batch / perStep;
            Console.WriteLine($"| {s.Name} | {s.Case.Batch} | {s.Case.Height}×{s.Case.Width} | {perStep:F3} | {s.Case.Batch / perStep:F1} |");
        }
        return rates;
    }
}
