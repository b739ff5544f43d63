using System.Diagnostics;
using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.Models;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using RecallKit.Vision;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary>A network, its class count and the batch shape a step benchmark trains on.</summary>
internal sealed record StepCase(Architecture Architecture, int Classes, int Batch, int Height, int Width, int Channels = 3);

/// <summary>
/// Times the trainer's real step (<see cref="Trainer"/>: batch to tensors, dispose scope, forward, loss, backward, optimiser,
/// the loss read back) on one random batch repeated, from the trainer's per-step progress reports. No evaluation, one
/// checkpoint at the end, data prefetch off (the batch is ready in memory).
/// </summary>
internal static class TrainerSteps
{
    /// <summary>Milliseconds of each step after <paramref name="warmup"/>; <paramref name="observer"/> sees every step's report.</summary>
    public static double[] Measure(StepCase c, LossConfig loss, OptimizerConfig optimizer, int steps, int warmup, int threads,
        Action<TrainingStatus>? observer = null, PrecisionKind precision = PrecisionKind.Fp32)
    {
        var output = Directory.CreateTempSubdirectory("recallkit-bench-step-").FullName;
        try
        {
            bool segmentation = c.Architecture.Task() == TaskKind.Segmentation;
            int total = warmup + steps;
            var config = new TrainConfig
            {
                Output = output,
                Threads = threads,
                Precision = precision,
                Data = new DataConfig { BatchSize = c.Batch, Prefetch = PrefetchMode.Off },
                Model = new ModelConfig { Architecture = c.Architecture },
                Loss = loss,
                Optimizer = optimizer,
                Schedule = new ScheduleConfig { Iterations = total, EvalEvery = 0, LogEvery = total, CheckpointEvery = total },
            };
            var names = Enumerable.Range(0, c.Classes).Select(i => $"class{i}").ToArray();
            manual_seed(0);
            ITrainingTask task;
            if (segmentation)
            {
                var classes = new DatasetClasses(names, names.Select(_ => ((byte)0, (byte)0, (byte)0)).ToArray(), 255);
                task = new SegmentationTask(SegmentationModels.Create(c.Architecture, c.Classes), LossFactory.Create(loss, c.Classes, 255, null), classes);
            }
            else
            {
                var network = ClassificationModels.Create(c.Architecture, c.Classes, c.Channels, decoupled: false);
                task = new ClassificationTask(network, LossFactory.Create(loss, c.Classes, -100, null), ClassificationDatasets.Describe(names),
                    Enumerable.Repeat(1L, c.Classes).ToArray());
            }
            var clock = new StepClock(observer);
            new Trainer(config, task, new SameBatch(c, segmentation, total), new SameBatch(c with { Batch = 1 }, segmentation, 1), TextWriter.Null)
                { Progress = clock }.Run(resume: false);
            return clock.Milliseconds.Skip(warmup).ToArray();
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Time between consecutive step reports (the first from the trainer's start).</summary>
    private sealed class StepClock(Action<TrainingStatus>? observer) : IProgress<TrainingStatus>
    {
        private long last = Stopwatch.GetTimestamp();

        public List<double> Milliseconds { get; } = [];

        public void Report(TrainingStatus value)
        {
            long now = Stopwatch.GetTimestamp();
            Milliseconds.Add(Stopwatch.GetElapsedTime(last, now).TotalMilliseconds);
            observer?.Invoke(value);
            last = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>One random batch, yielded <paramref name="count"/> times (labels without the ignore id: the official recall code fails on it).</summary>
    private sealed class SameBatch(StepCase c, bool segmentation, int count) : IBatchSource
    {
        public int BatchesPerEpoch => count;

        public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
        {
            var random = new Random(1);
            var images = new float[c.Batch * c.Channels * c.Height * c.Width];
            for (int i = 0; i < images.Length; i++) images[i] = (float)(random.NextDouble() * 2 - 1);
            var labels = new long[segmentation ? c.Batch * c.Height * c.Width : c.Batch];
            for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(c.Classes);
            var batch = new ImageBatch(images, labels, c.Batch, c.Height, c.Width, Enumerable.Range(0, c.Batch).Select(i => $"image{i}").ToArray(),
                ImageLabels: !segmentation, Channels: c.Channels);
            for (int b = startBatch; b < count; b++) yield return batch;
        }
    }
}
