using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Models;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

/// <summary><c>model.init_from</c> for segmentation: fine-tuning from a real checkpoint on disk.</summary>
[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class SegmentationInitialisationTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-init-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private TrainConfig Config(string name, params string[] extra) => ConfigLoader.Load(null,
    [
        $"data.root={Path.Combine(dir, "data")}", "data.crop_width=64", "data.crop_height=32", "data.batch_size=4",
        "data.synthetic_train=8", "data.synthetic_val=4", "schedule.iterations=4", "schedule.eval_every=4", "schedule.log_every=2",
        "schedule.checkpoint_every=2", $"output={Path.Combine(dir, name)}", .. extra,
    ]);

    private static Dictionary<string, Tensor> State(nn.Module module) => module.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());

    [Fact]
    public void WithTheSameClassesEveryTensorIsCopiedAndTrainingStartsFromThem()
    {
        var source = Config("source");
        SegmentationExperiment.Train(source, resume: false, TextWriter.Null);
        var checkpoint = Path.Combine(source.Output, "last.ckpt");
        using var trained = TrainedModel.Load(checkpoint);

        using var fresh = SegmentationModels.Create(Architecture.LiteSeg, trained.Classes.Count);
        var log = new StringWriter();
        var report = SegmentationInitialisation.Apply(fresh, checkpoint, Architecture.LiteSeg, trained.Classes, log);
        Assert.Empty(report.Reinitialised);
        Assert.Equal(fresh.state_dict().Count, report.Loaded.Count);
        var expected = State(trained.Network);
        Assert.All(fresh.state_dict(), p => Assert.True(p.Value.eq(expected[p.Key]).all().item<bool>(), p.Key));
        Assert.Contains($"initialised from {checkpoint}: {report.Loaded.Count} tensors loaded", log.ToString());

        // Through the config: the fine-tuned run says so, and its weights after 1 step differ from a run from scratch.
        var tuned = Config("tuned", $"model.init_from={checkpoint}", "schedule.iterations=1", "schedule.eval_every=1", "schedule.log_every=1", "schedule.checkpoint_every=1");
        var tunedLog = new StringWriter();
        SegmentationExperiment.Train(tuned, resume: false, tunedLog);
        Assert.Contains("initialised from", tunedLog.ToString());
        var scratch = Config("scratch", "schedule.iterations=1", "schedule.eval_every=1", "schedule.log_every=1", "schedule.checkpoint_every=1");
        SegmentationExperiment.Train(scratch, resume: false, TextWriter.Null);
        using var a = TrainedModel.Load(Path.Combine(tuned.Output, "last.ckpt"));
        using var b = TrainedModel.Load(Path.Combine(scratch.Output, "last.ckpt"));
        var bState = State(b.Network);
        Assert.Contains(a.Network.state_dict(), p => !p.Value.eq(bState[p.Key]).all().item<bool>());
    }

    [Fact]
    public void WithOtherClassesTheClassifierKeepsItsInitialisationAndTheRestIsCopied()
    {
        var source = Config("source");
        SegmentationExperiment.Train(source, resume: false, TextWriter.Null);
        var checkpoint = Path.Combine(source.Output, "last.ckpt");
        using var trained = TrainedModel.Load(checkpoint);
        var expected = State(trained.Network);

        var classes = new DatasetClasses(["road", "car", "bicycle"], [(1, 1, 1), (2, 2, 2), (3, 3, 3)], 255);
        using var fresh = SegmentationModels.Create(Architecture.LiteSeg, classes.Count);
        var before = State(fresh);
        var log = new StringWriter();
        var report = SegmentationInitialisation.Apply(fresh, checkpoint, Architecture.LiteSeg, classes, log);
        Assert.Equal(["classifier.weight", "classifier.bias"], report.Reinitialised.Order().Reverse());
        foreach (var (key, value) in fresh.state_dict())
            Assert.True(value.eq(report.Reinitialised.Contains(key) ? before[key] : expected[key]).all().item<bool>(), key);
        Assert.Contains("kept their fresh initialisation", log.ToString());
        Assert.Contains("10 classes", log.ToString());
    }

    [Fact]
    public void AnotherArchitectureIsAnErrorNamingBoth()
    {
        var source = Config("source");
        SegmentationExperiment.Train(source, resume: false, TextWriter.Null);
        using var deeplab = SegmentationModels.Create(Architecture.DeepLabV3PlusResNet18, 10);
        var e = Assert.Throws<InvalidDataException>(() => SegmentationInitialisation.Apply(deeplab, Path.Combine(source.Output, "last.ckpt"),
            Architecture.DeepLabV3PlusResNet18, RecallKit.Vision.Data.Synthetic.SceneClasses.Description, TextWriter.Null));
        Assert.Contains("LiteSeg", e.Message);
        Assert.Contains("DeepLabV3PlusResNet18", e.Message);
    }
}
