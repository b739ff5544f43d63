using System.Globalization;
using System.Text.Json.Nodes;
using RecallKit.Metrics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

/// <summary>The real pipeline on real files: synthetic scenes on disk → LiteSeg → recall loss → checkpoints → eval → predict.</summary>
[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class EndToEndTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-e2e-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private TrainConfig Config(string loss) => ConfigLoader.Load(null,
    [
        $"data.root={Path.Combine(dir, "data")}", "data.crop_width=64", "data.crop_height=32", "data.batch_size=4",
        "data.synthetic_train=12", "data.synthetic_val=4", $"loss.kind={loss}", "schedule.iterations=30",
        "schedule.eval_every=15", "schedule.log_every=5", "schedule.checkpoint_every=10", $"output={Path.Combine(dir, "run-" + loss)}",
    ]);

    [Fact]
    public void TrainingOnSyntheticScenesLowersTheLossAndEvalOfTheCheckpointReproducesTheMetrics()
    {
        var config = Config("recall");
        var result = SegmentationExperiment.Train(config, resume: false, TextWriter.Null);
        Assert.True(result.Completed);
        var log = File.ReadAllLines(Path.Combine(config.Output, "train_log.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(6, log.Length);
        Assert.True(log[^1] < log[0], $"loss {log[0]} → {log[^1]}");

        // Evaluating the last checkpoint by hand gives the numbers the trainer wrote.
        using var model = TrainedModel.Load(Path.Combine(config.Output, "last.ckpt"));
        Assert.Equal(RecallKit.Vision.Data.Synthetic.SceneClasses.Names, model.Classes.Names);
        var val = new FolderDataset(config.Data.Root, "val");
        using var matrix = new ConfusionMatrix(val.Classes.Count, val.Classes.IgnoreIndex);
        for (int i = 0; i < val.Count; i++)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var (pixels, labels) = SegmentationTransforms.Eval(val.Load(i), 255);
            var prediction = model.Network.call(tensor(pixels, new long[] { 1, 3, 32, 64 })).argmax(1);
            matrix.update(prediction, tensor(labels, new long[] { 1, 32, 64 }));
        }
        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(config.Output, "metrics.json")))!;
        Assert.Equal((double)metrics["mean_iou"]!, matrix.compute().MeanIoU, 12);
        Assert.Equal((double)metrics["overall_accuracy"]!, matrix.compute().OverallAccuracy, 12);
    }

    [Fact]
    public void CheckpointRoundTripGivesIdenticalOutputsAndPredictionsUseThePalette()
    {
        // The checkpoint on disk must reproduce the network the trainer holds in memory at the end, bit for bit.
        var config = Config("cross_entropy") with { Schedule = new ScheduleConfig { Iterations = 10, EvalEvery = 10, LogEvery = 5, CheckpointEvery = 5 } };
        var trainSet = ConfiguredData.Segmentation(config.Data, "train");
        var valSet = ConfiguredData.Segmentation(config.Data, "val");
        using var trained = RecallKit.Vision.Models.SegmentationModels.Create(config.Model.Architecture, trainSet.Classes.Count);
        using var loss = LossFactory.Create(config.Loss, trainSet.Classes.Count, trainSet.Classes.IgnoreIndex, null);
        var untrained = trained.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        new Trainer(config, new SegmentationTask(trained, loss, trainSet.Classes), SegmentationExperiment.TrainBatches(config, trainSet),
            new DatasetBatches(valSet, 4, null, 0, false), TextWriter.Null).Run(resume: false);
        Assert.Contains(trained.state_dict(), p => !p.Value.eq(untrained[p.Key]).all().item<bool>()); // training changed the weights
        using var a = TrainedModel.Load(Path.Combine(config.Output, "last.ckpt"));
        var input = randn(1, 3, 32, 64, generator: Support.Seeded.Generator(1));
        using (no_grad())
        {
            trained.eval();
            Assert.True(a.Network.call(input).eq(trained.call(input)).all().item<bool>(), "the checkpoint's outputs equal the trained network's");
            var labels = a.Network.call(input).argmax(1).to_type(ScalarType.Int32).data<int>().ToArray();
            var path = Path.Combine(dir, "labels.png");
            PaletteImage.SaveLabels(path, labels, 64, 32, a.Classes);
            using var png = Image.Load<Rgb24>(path);
            Assert.Equal((64, 32), (png.Width, png.Height));
            var expected = a.Classes.Palette[labels[5 * 64 + 7]];
            Assert.Equal(new Rgb24(expected.R, expected.G, expected.B), png[7, 5]);
        }
    }

    [Fact]
    public void ResumingWithAnotherArchitectureOrLossIsRefusedWithBothNames()
    {
        var config = Config("recall") with { Schedule = new ScheduleConfig { Iterations = 5, EvalEvery = 5, LogEvery = 5, CheckpointEvery = 5 } };
        SegmentationExperiment.Train(config, resume: false, TextWriter.Null);
        var other = config with { Model = config.Model with { Architecture = RecallKit.Vision.Models.Architecture.DeepLabV3PlusResNet18 } };
        var e = Assert.Throws<InvalidDataException>(() => SegmentationExperiment.Train(other, resume: true, TextWriter.Null));
        Assert.Contains("LiteSeg", e.Message);
        Assert.Contains("DeepLabV3PlusResNet18", e.Message);
        var otherLoss = config with { Loss = new LossConfig { Kind = LossKind.Focal } };
        Assert.Contains("Focal", Assert.Throws<InvalidDataException>(() => SegmentationExperiment.Train(otherLoss, resume: true, TextWriter.Null)).Message);
    }

    [Fact]
    public void ACorruptCheckpointIsNamedWhenLoading()
    {
        var path = Path.Combine(dir, "bad.ckpt");
        File.WriteAllBytes(path, new byte[100]);
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => TrainedModel.Load(path)).Message);
    }
}
