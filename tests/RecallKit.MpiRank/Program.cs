// Usage: RecallKit.MpiRank <output directory> <result.json> [batch size] [iterations] [loss: recall|cross_entropy|seesaw|ce+focal] [model: plain|liteseg|liteseg-nosync|smallcnn]
// Trains a dropout-free network on the colour-coded split with the real Trainer, alone or as one rank of an mpirun: "plain" is
// a BatchNorm-free per-pixel classifier, "liteseg" the LiteSeg network with model.sync_bn ("liteseg-nosync" without it), "smallcnn" the small classification CNN (BatchNorm, sync_bn) on one label per image. Rank 0 writes the final weights,
// the recall counts of every step and the validation metrics, evaluated once sharded over the ranks and once by rank 0 alone.
using System.Text.Json;
using RecallKit.Losses;
using RecallKit.Tests.Training;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Models;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;
using RecallKit.Vision.Classification;
using RecallKit.Vision.Segmentation;

using var distributed = DistributedTensors.Start();
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    Console.Error.WriteLine(e.ExceptionObject);
    distributed.Abort(1); // an error on one rank must not leave the other waiting
};
set_num_threads(1);
string output = args[0], resultPath = args[1];
int batchSize = args.Length > 2 ? int.Parse(args[2]) : 8, iterations = args.Length > 3 ? int.Parse(args[3]) : 20;
string lossKind = args.Length > 4 ? args[4] : "recall";
string modelKind = args.Length > 5 ? args[5] : "plain";
bool liteSeg = modelKind.StartsWith("liteseg"), smallCnn = modelKind == "smallcnn", batchNorm = liteSeg || smallCnn;
bool syncBn = modelKind is "liteseg" or "smallcnn";

var counts = new List<long[]>();
Func<Tensor, Tensor>? reducer = DistributedTensors.CountReducer(distributed);
Func<Tensor, Tensor> recording = c =>
{
    var reduced = reducer is null ? c : reducer(c);
    counts.Add(reduced.data<long>().ToArray());
    return reduced;
};
nn.Module<Tensor, Tensor, Tensor> Loss(string kind) => kind switch
{
    "recall" => new RecallCrossEntropy(ColourCodedBatches.Classes, ema_alpha: 0.5, ignore_index: 255, count_reducer: recording),
    "cross_entropy" => new CrossEntropy(ColourCodedBatches.Classes, ignore_index: 255),
    // cum_samples all-reduced through the count reducer: the same counts, hence the same factors, on every rank
    "seesaw" => new SeesawLoss(ColourCodedBatches.Classes, ignore_index: 255, count_reducer: recording),
    // Both terms are means over the valid pixels: the combination is weighted by each rank's valid pixels.
    "ce+focal" => new CombinedLoss((1.0, new CrossEntropy(ColourCodedBatches.Classes, ignore_index: 255)),
        (0.5, new FocalLoss(ColourCodedBatches.Classes, gamma: 2.0, ignore_index: 255))),
    _ => throw new ArgumentException($"unknown loss {kind}"),
};
using var loss = Loss(lossKind);
manual_seed(11);
using nn.Module<Tensor, Tensor> model = liteSeg ? new LiteSegNet(ColourCodedBatches.Classes, width: 8)
    : smallCnn ? new ClassificationNetwork(new SmallCnn(in_channels: 3), ColourCodedBatches.Classes, decoupled: false)
    : new PlainPixelClassifier(seed: 11);
var config = TinyTraining.Config(output, iterations, seed: 5) with
{
    Data = new DataConfig { BatchSize = batchSize },
    Model = new ModelConfig { SyncBn = syncBn },
    // The config names the combined loss's terms, so that train_log.csv has a column per term (combined over the ranks like the loss).
    Loss = lossKind == "ce+focal" ? new LossConfig { Terms = [new LossTerm(), new LossTerm { Kind = LossKind.Focal, Weight = 0.5 }] } : new LossConfig(),
    // BatchNorm makes some gradients exactly zero in exact arithmetic (a per-channel shift before a normalisation); Adam turns
    // their rounding noise into ±lr steps, so the BatchNorm network is compared under SGD, which keeps rounding differences small.
    Optimizer = batchNorm ? new OptimizerConfig { Kind = OptimizerKind.Sgd, LearningRate = 0.01, Momentum = 0.9 } : TinyTraining.Config(output).Optimizer,
    Schedule = new ScheduleConfig { Iterations = iterations, EvalEvery = 10, LogEvery = 5, CheckpointEvery = 10 },
    Threads = 1,
};
int height = liteSeg ? 16 : 6, width = liteSeg ? 16 : 5;
IBatchSource train = smallCnn ? new ColourCodedImages(images: 4 * batchSize, batch_size: batchSize, size: 8, seed: 3)
    : new ColourCodedBatches(images: 4 * batchSize, batch_size: batchSize, height, width, seed: 3);
// 5 validation batches: 3 on rank 0, 2 on rank 1
IBatchSource val = smallCnn ? new ColourCodedImages(images: 10, batch_size: 2, size: 8, seed: 4) : new ColourCodedBatches(images: 10, batch_size: 2, height, width, seed: 4);
ITrainingTask task = smallCnn
    ? new ClassificationTask((ClassificationNetwork)model, loss, ColourCodedBatches.ClassNames, ColourCodedImages.Counts(4 * batchSize, seed: 3))
    : new SegmentationTask(model, loss, ColourCodedBatches.ClassNames);
var trainer = new Trainer(config, task, train, val, Console.Out) { Distributed = distributed };
var result = trainer.Run(resume: false);
var sharded = task.Evaluate(new OwnedBatches(val, new DataShard(distributed.Rank, distributed.Size)), CPU, default, DistributedTensors.CountReducer(distributed));
var whole = task.Evaluate(val, CPU, default);
if (distributed.Rank == 0)
{
    var weights = model.parameters().SelectMany(p => p.detach().to_type(ScalarType.Float64).reshape(-1).data<double>().ToArray()).ToArray();
    double[] Values(Evaluation e) => [.. e.Values, .. e.Metrics.ClassAccuracy, .. e.Metrics.ClassPrecision, .. e.Metrics.ClassIoU, .. e.Metrics.GroundTruthCounts.Select(c => (double)c)];
    File.WriteAllText(resultPath, JsonSerializer.Serialize(new
    {
        ranks = distributed.Size, iterations = result.Iterations, weights, counts, sharded = Values(sharded), whole = Values(whole),
        bytes_per_step = (double)result.StepTraffic.Bytes / result.Steps,
    }, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
}
return 0;

/// <summary>Conv 1×1 → ReLU → conv 1×1: no BatchNorm, no dropout, so K ranks × B/K images must equal one process × B images.</summary>
internal sealed class PlainPixelClassifier : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> conv1 = nn.Conv2d(3, 8, 1);
    private readonly nn.Module<Tensor, Tensor> conv2 = nn.Conv2d(8, ColourCodedBatches.Classes, 1);

    public PlainPixelClassifier(int seed) : base(nameof(PlainPixelClassifier))
    {
        manual_seed(seed);
        RegisterComponents();
        using var _ = no_grad();
        using var scale = 0.3.ToScalar();
        foreach (var p in parameters()) p.copy_(randn_like(p).mul(scale));
    }

    public override Tensor forward(Tensor input) => conv2.call(nn.functional.relu(conv1.call(input)));
}
