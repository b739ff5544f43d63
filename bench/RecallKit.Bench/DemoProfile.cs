using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Models;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary>
/// <c>bench profile</c>: where the demo's training time goes — LiteSeg, synthetic 192×96 scenes, batch 8, Adam — split into
/// the phases of a step (loading and augmenting the batch, batch to tensors, forward, loss, backward, optimiser) and one
/// evaluation of the validation split, with the components the trainer uses.
/// </summary>
internal static class DemoProfile
{
    public static void Run(int steps)
    {
        var work = Directory.CreateTempSubdirectory("recallkit-bench-profile-").FullName;
        try
        {
            var config = new TrainConfig
            {
                Output = Path.Combine(work, "run"),
                Data = new DataConfig { Root = Path.Combine(work, "data"), BatchSize = 8, Segmentation = new() { CropWidth = 192, CropHeight = 96 }, Synthetic = new() { Train = 300, Val = 60 } },
                Model = new ModelConfig { Architecture = Architecture.LiteSeg },
                Loss = new LossConfig { Kind = LossKind.Recall },
                Optimizer = new OptimizerConfig { Kind = OptimizerKind.Adam, LearningRate = 0.002 },
            };
            var trainSet = ConfiguredData.Segmentation(config.Data, config.Data.TrainSplit, TextWriter.Null);
            var valSet = ConfiguredData.Segmentation(config.Data, config.Data.ValSplit, TextWriter.Null);
            var classes = trainSet.Classes;
            manual_seed(0);
            using var model = SegmentationModels.Create(Architecture.LiteSeg, classes.Count);
            using var loss = LossFactory.Create(config.Loss, classes.Count, classes.IgnoreIndex, null);
            using var optimizer = optim.Adam(model.parameters(), 0.002);
            model.train();
            var names = new[] { "load + augment batch", "batch → tensors", "forward", "loss", "backward", "optimiser step" };
            var totals = new double[names.Length];
            var batches = SegmentationExperiment.TrainBatches(config, trainSet).Epoch(0, 0, default).GetEnumerator();
            int warmup = 3;
            for (int step = 0; step < warmup + steps; step++)
            {
                var t = new double[names.Length];
                var watch = Stopwatch.StartNew();
                batches.MoveNext();
                var batch = batches.Current;
                t[0] = Lap(watch);
                using var scope = NewDisposeScope();
                var (images, labels) = BatchTensors.From(batch, CPU);
                t[1] = Lap(watch);
                var logits = model.call(images);
                t[2] = Lap(watch);
                var value = ((nn.Module<Tensor, Tensor, Tensor>)loss).call(logits, labels);
                t[3] = Lap(watch);
                optimizer.zero_grad();
                value.backward();
                t[4] = Lap(watch);
                optimizer.step();
                t[5] = Lap(watch);
                if (step >= warmup)
                    for (int i = 0; i < t.Length; i++) totals[i] += t[i];
            }
            var task = new SegmentationTask(model, (nn.Module<Tensor, Tensor, Tensor>)loss, classes);
            var val = new DatasetBatches(valSet, config.Data.EvalBatchSize, null, 0);
            task.Evaluate(val, CPU, default); // warm-up
            var evaluation = Stopwatch.StartNew();
            task.Evaluate(val, CPU, default);
            double evalMs = evaluation.Elapsed.TotalMilliseconds;

            double perStep = totals.Sum() / steps;
            Console.WriteLine($"## Demo training step profile (LiteSeg, 192×96, batch 8, recall loss, Adam; mean of {steps} steps; {get_num_threads()} threads)");
            Console.WriteLine("| phase | ms/step | share |");
            Console.WriteLine("|---|---:|---:|");
            for (int i = 0; i < names.Length; i++) Console.WriteLine($"| {names[i]} | {totals[i] / steps:F1} | {100 * totals[i] / totals.Sum():F0} % |");
            Console.WriteLine($"| **step** | **{perStep:F1}** ({8000 / perStep:F0} images/s) | |");
            Console.WriteLine($"Evaluation of the {valSet.Count} validation images: {evalMs:F0} ms ({valSet.Count * 1000 / evalMs:F0} images/s); the demo evaluates every 500 steps: {evalMs / (500 * perStep) * 100:F1} % of training time.");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static double Lap(Stopwatch watch)
    {
        double ms = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        return ms;
    }
}
