using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;
using RecallKit.Vision.Segmentation;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary><c>bench memory</c>: resident memory over many trainer steps and as many evaluation batches.</summary>
internal static class MemoryBenchmark
{
    /// <summary>RSS over <paramref name="steps"/> of the trainer's steps; <paramref name="deeplab"/> uses DeepLabV3+ ResNet-18 at batch 2, 128×256.</summary>
    public static void Run(int steps, int threads, bool deeplab = false)
    {
        var (architecture, name, batch, height, width) = deeplab
            ? (Architecture.DeepLabV3PlusResNet18, "DeepLabV3+ ResNet-18", 2, 128, 256)
            : (Architecture.LiteSeg, "LiteSeg", 8, 96, 192);
        var samples = new List<(int step, double mb)>();
        var managed = new List<double>();
        TrainerSteps.Measure(new StepCase(architecture, 10, batch, height, width), new LossConfig { Kind = LossKind.Recall, Metric = new() { EmaAlpha = 0.9 } },
            new OptimizerConfig { Kind = OptimizerKind.Adam, LearningRate = 1e-3 }, steps, 0, threads, status =>
            {
                int i = status.Iteration;
                if (i % Math.Max(1, steps / 10) != 0 && i != 100) return;
                GC.Collect();
                GC.WaitForPendingFinalizers();
                samples.Add((i, Process.GetCurrentProcess().WorkingSet64 / 1048576.0));
                managed.Add(GC.GetTotalMemory(false) / 1048576.0);
            });
        double at100 = samples.First(s => s.step == 100).mb, last = samples[^1].mb;
        Console.WriteLine();
        Console.WriteLine($"## Resident memory over {steps} {name} trainer steps (batch {batch}, {height}×{width}, EMA recall)");
        Console.WriteLine();
        Console.WriteLine("| step | RSS (MB) | managed heap (MB) |");
        Console.WriteLine("|---:|---:|---:|");
        for (int k = 0; k < samples.Count; k++) Console.WriteLine($"| {samples[k].step} | {samples[k].mb:F0} | {managed[k]:F1} |");
        Console.WriteLine();
        Console.WriteLine($"Growth from step 100 to step {steps}: {100 * (last - at100) / at100:+0.0;-0.0} %");
        using var model = SegmentationModels.Create(architecture, 10);
        EvaluationMemory(model, steps, name, batch, height, width);
    }

    /// <summary>RSS while evaluating <paramref name="batches"/> batches (forward without gradients, arg-max, confusion matrix): what eval and predict do per image.</summary>
    private static void EvaluationMemory(nn.Module<Tensor, Tensor> model, int batches, string name, int batch, int height, int width)
    {
        var samples = new List<(int batch, double mb)>();
        var source = new RandomBatches(batches, batch, height, width, 10);
        int seen = 0;
        var progress = new Action<int>(b =>
        {
            if (b % (batches / 10) == 0 || b == 100)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                samples.Add((b, Process.GetCurrentProcess().WorkingSet64 / 1048576.0));
            }
        });
        source.AfterBatch = () => progress(++seen);
        using var matrix = SegmentationEvaluator.Evaluate(model, source, 10, 255, CPU);
        progress(++seen);
        double at100 = samples.First(s => s.batch == 100).mb, last = samples[^1].mb;
        Console.WriteLine();
        Console.WriteLine($"## Resident memory over {batches} evaluation batches ({name}, batch {batch}, {height}×{width}: forward, arg-max, confusion matrix)");
        Console.WriteLine();
        Console.WriteLine("| batch | RSS (MB) |");
        Console.WriteLine("|---:|---:|");
        foreach (var (index, mb) in samples) Console.WriteLine($"| {index} | {mb:F0} |");
        Console.WriteLine();
        Console.WriteLine($"Growth from batch 100 to batch {batches}: {100 * (last - at100) / at100:+0.0;-0.0} %");
    }

    /// <summary>Random images and labels, one batch at a time (the previous batch is garbage once the evaluator moves on).</summary>
    private sealed class RandomBatches(int count, int batch, int height, int width, int classes) : RecallKit.Vision.Data.IBatchSource
    {
        public Action? AfterBatch { get; set; }

        public int BatchesPerEpoch => count;

        public IEnumerable<RecallKit.Vision.Data.ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
        {
            var random = new Random(3);
            var images = new float[batch * 3 * height * width];
            var labels = new long[batch * height * width];
            for (int b = startBatch; b < count; b++)
            {
                for (int i = 0; i < images.Length; i++) images[i] = (float)random.NextDouble();
                for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(classes);
                if (b > startBatch) AfterBatch?.Invoke();
                yield return new RecallKit.Vision.Data.ImageBatch(images, labels, batch, height, width, []);
            }
        }
    }
}
