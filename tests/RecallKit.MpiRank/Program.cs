// Usage: RecallKit.MpiRank <output directory> <result.json> [batch size] [iterations] [loss: recall|cross_entropy]
// Trains a BatchNorm-free, dropout-free per-pixel classifier on the colour-coded split with the real Trainer, alone or as
// one rank of an mpirun, and (rank 0) writes the final weights and the recall counts of every step as JSON.
using System.Text.Json;
using RecallKit.Losses;
using RecallKit.Tests.Training;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

using var distributed = DistributedTensors.Start();
set_num_threads(1);
string output = args[0], resultPath = args[1];
int batchSize = args.Length > 2 ? int.Parse(args[2]) : 8, iterations = args.Length > 3 ? int.Parse(args[3]) : 20;
string lossKind = args.Length > 4 ? args[4] : "recall";

var counts = new List<long[]>();
Func<Tensor, Tensor>? reducer = DistributedTensors.CountReducer(distributed);
Func<Tensor, Tensor> recording = c =>
{
    var reduced = reducer is null ? c : reducer(c);
    counts.Add(reduced.data<long>().ToArray());
    return reduced;
};
using nn.Module<Tensor, Tensor, Tensor> loss = lossKind == "recall"
    ? new RecallCrossEntropy(ColourCodedBatches.Classes, ema_alpha: 0.5, ignore_index: 255, count_reducer: recording)
    : new CrossEntropy(ColourCodedBatches.Classes, ignore_index: 255);
using var model = new PlainPixelClassifier(seed: 11);
var config = TinyTraining.Config(output, iterations, seed: 5) with
{
    Data = new DataConfig { BatchSize = batchSize },
    Schedule = new ScheduleConfig { Iterations = iterations, EvalEvery = 10, LogEvery = 5, CheckpointEvery = 10 },
    Threads = 1,
};
var train = new ColourCodedBatches(images: 4 * batchSize, batch_size: batchSize, height: 6, width: 5, seed: 3);
var val = new ColourCodedBatches(images: 8, batch_size: 8, height: 6, width: 5, seed: 4);
var trainer = new Trainer(config, new SegmentationTask(model, loss, ColourCodedBatches.ClassNames), train, val, Console.Out) { Distributed = distributed };
var result = trainer.Run(resume: false);
if (distributed.Rank == 0)
{
    var weights = model.parameters().SelectMany(p => p.detach().to_type(ScalarType.Float64).reshape(-1).data<double>().ToArray()).ToArray();
    File.WriteAllText(resultPath, JsonSerializer.Serialize(new { ranks = distributed.Size, iterations = result.Iterations, weights, counts }));
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
        foreach (var p in parameters()) p.copy_(randn_like(p) * 0.3);
    }

    public override Tensor forward(Tensor input) => conv2.call(nn.functional.relu(conv1.call(input)));
}
