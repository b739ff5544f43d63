using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;

namespace RecallKit.Bench;

/// <summary><c>bench classification</c>: the trainer's step for the classifiers with EMA recall (α = 0.001 as the paper's iNaturalist run), SGD.</summary>
internal static class ClassificationStepBenchmark
{
    private sealed record Setup(string Name, StepCase Case, int Warmup, int Steps);

    private static readonly Setup[] Setups =
    [
        new("small CNN (Fashion-MNIST-LT)", new StepCase(Architecture.SmallCnn, 10, 128, 28, 28, Channels: 1), 3, 20),
        new("ResNet-32 (CIFAR-LT)", new StepCase(Architecture.ResNet32Cifar, 100, 128, 32, 32), 1, 5),
        new("ResNet-50, 8,142 classes (iNaturalist)", new StepCase(Architecture.ResNet50, 8142, 32, 224, 224), 1, 2),
    ];

    /// <param name="threads">torch threads.</param>
    /// <param name="largest">false skips ResNet-50.</param>
    /// <param name="resnet50Batch">ResNet-50's batch (32 fits this VM; 128 does not).</param>
    public static void Run(int threads, bool largest, int resnet50Batch = 32)
    {
        Console.WriteLine();
        Console.WriteLine("## Classification training step (the trainer's step: forward + EMA recall loss + backward + SGD), random data, median");
        Console.WriteLine();
        Console.WriteLine("| model | classes | batch | input | s/step | images/s |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|");
        foreach (var setup in Setups.Where(s => largest || s.Case.Architecture != Architecture.ResNet50))
        {
            var c = setup.Case.Architecture == Architecture.ResNet50 ? setup.Case with { Batch = resnet50Batch } : setup.Case;
            double perStep = TrainerSteps.Median(TrainerSteps.Measure(c, new LossConfig { Kind = LossKind.Recall, Metric = new() { EmaAlpha = 0.001 } },
                new OptimizerConfig { Kind = OptimizerKind.Sgd, LearningRate = 0.01, Momentum = 0.9 }, setup.Steps, setup.Warmup, threads)) / 1000;
            Console.WriteLine($"| {setup.Name} | {c.Classes:N0} | {c.Batch} | {c.Height}×{c.Width} | {perStep:F3} | {c.Batch / perStep:F1} |");
        }
    }
}
