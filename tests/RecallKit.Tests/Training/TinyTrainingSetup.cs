using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

/// <summary>A deterministic in-memory split: the label of each pixel is encoded in its colour, so a 1×1 conv can learn it.</summary>
internal sealed class ColourCodedBatches(int images, int batch_size, int height, int width, int seed) : IBatchSource
{
    public const int Classes = 3;

    /// <summary>A label with the long-tailed frequencies 60 %, 28 %, 12 %.</summary>
    public static int DrawLabel(Random rng) => rng.Next(10) < 6 ? 0 : rng.Next(10) < 7 ? 1 : 2;

    public int BatchesPerEpoch => images / batch_size;

    public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
    {
        foreach (var ids in ShuffledOrder.Batches(images, batch_size, seed, epoch, startBatch, cancellation))
        {
            var pixels = new float[batch_size * 3 * height * width];
            var labels = new long[batch_size * height * width];
            for (int i = 0; i < batch_size; i++)
            {
                var rng = new Random(ids[i] * 7919 + seed);
                for (int p = 0; p < height * width; p++)
                {
                    int label = DrawLabel(rng);
                    labels[i * height * width + p] = rng.Next(20) == 0 ? 255 : label;
                    for (int ch = 0; ch < 3; ch++)
                        pixels[((i * 3 + ch) * height * width) + p] = (ch == label ? 1f : 0f) + (float)(rng.NextDouble() - 0.5);
                }
            }
            yield return new ImageBatch(pixels, labels, batch_size, height, width, ids.Select(id => $"img{id}").ToArray());
        }
    }

    public static DatasetClasses ClassNames => new(["big", "medium", "small"], [(1, 2, 3), (4, 5, 6), (7, 8, 9)], 255);
}

/// <summary>The image ids of each batch of an epoch from <c>startBatch</c> on, in an order shuffled by (seed, epoch).</summary>
internal static class ShuffledOrder
{
    public static IEnumerable<int[]> Batches(int images, int batch_size, int seed, int epoch, int startBatch, CancellationToken cancellation)
    {
        var order = Enumerable.Range(0, images).ToArray();
        new Random(RecallKit.Vision.Data.Seeds.Derive(seed, epoch)).Shuffle(order);
        for (int b = startBatch; b < images / batch_size; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            yield return order.Skip(b * batch_size).Take(batch_size).ToArray();
        }
    }
}

/// <summary>The classification counterpart of <see cref="ColourCodedBatches"/>: one label per image, coded in its mean colour.</summary>
internal sealed class ColourCodedImages(int images, int batch_size, int size, int seed) : IBatchSource
{
    public int BatchesPerEpoch => images / batch_size;

    public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
    {
        foreach (var ids in ShuffledOrder.Batches(images, batch_size, seed, epoch, startBatch, cancellation))
        {
            var pixels = new float[batch_size * 3 * size * size];
            var labels = new long[batch_size];
            for (int i = 0; i < batch_size; i++)
            {
                var rng = new Random(ids[i] * 7919 + seed);
                int label = ColourCodedBatches.DrawLabel(rng);
                labels[i] = label;
                for (int ch = 0; ch < 3; ch++)
                    for (int p = 0; p < size * size; p++)
                        pixels[((i * 3 + ch) * size * size) + p] = (ch == label ? 0.5f : 0f) + (float)(rng.NextDouble() - 0.5);
            }
            yield return new ImageBatch(pixels, labels, batch_size, size, size, ids.Select(id => $"img{id}").ToArray(), ImageLabels: true);
        }
    }

    /// <summary>Training images per class of <paramref name="images"/> images with this seed (for the task's many/few groups).</summary>
    public static long[] Counts(int images, int seed)
    {
        var counts = new long[ColourCodedBatches.Classes];
        for (int id = 0; id < images; id++)
        {
            var rng = new Random(id * 7919 + seed);
            counts[ColourCodedBatches.DrawLabel(rng)]++;
        }
        return counts;
    }
}

/// <summary>A tiny per-pixel classifier with dropout, so the test also covers RNG replay on resume.</summary>
internal sealed class PixelClassifier : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1 = nn.Conv2d(3, 8, 1);
    private readonly nn.Module<Tensor, Tensor> dropout = nn.Dropout2d(0.2);
    private readonly nn.Module<Tensor, Tensor> conv2 = nn.Conv2d(8, ColourCodedBatches.Classes, 1);

    public PixelClassifier(int seed) : base(nameof(PixelClassifier))
    {
        manual_seed(seed);
        RegisterComponents();
        foreach (var p in parameters()) p.requires_grad_(true);
        using var _ = no_grad();
        using var scale = 0.3.ToScalar(); // held for the calls (RK0001); this file is also compiled into RecallKit.MpiRank
        foreach (var p in parameters()) p.copy_(randn_like(p).mul(scale));
    }

    public override Tensor forward(Tensor input) => conv2.call(dropout.call(nn.functional.relu(conv1.call(input))));
}

internal static class TinyTraining
{
    public static TrainConfig Config(string output, int iterations = 24, int seed = 5) => new()
    {
        Output = output,
        Seed = seed,
        Optimizer = new OptimizerConfig { Kind = OptimizerKind.Adam, LearningRate = 0.05 },
        Schedule = new ScheduleConfig { Iterations = iterations, EvalEvery = 12, LogEvery = 4, CheckpointEvery = 4 },
        Data = new DataConfig { BatchSize = 4 },
    };

    /// <summary>
    /// A finished run in <paramref name="output"/> (what a comparison holds for one variant and seed): the pixel classifier on
    /// the colour-coded data with plain cross-entropy or recall CE.
    /// </summary>
    public static void FinishedRun(string output, LossKind kind, int iterations = 12, int seed = 5)
    {
        using var model = new PixelClassifier(ColourCodedBatches.Classes);
        using nn.Module<Tensor, Tensor, Tensor> loss = kind switch
        {
            LossKind.CrossEntropy => nn.CrossEntropyLoss(ignore_index: 255),
            LossKind.Recall => new RecallKit.Losses.RecallCrossEntropy(ColourCodedBatches.Classes, ignore_index: 255),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "cross_entropy or recall"),
        };
        var config = Config(output, iterations, seed) with { Loss = new LossConfig { Kind = kind } };
        new Trainer(config, new SegmentationTask(model, loss, ColourCodedBatches.ClassNames), new ColourCodedBatches(24, 4, 6, 5, 1),
            new ColourCodedBatches(8, 4, 6, 5, 2), TextWriter.Null).Run(resume: false);
    }
}
