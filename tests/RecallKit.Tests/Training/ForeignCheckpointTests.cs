using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Models;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using TorchSharp;

namespace RecallKit.Tests.Training;

public sealed class ForeignCheckpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-foreign-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A checkpoint whose config says <paramref name="claimed"/> but whose weights come from <paramref name="actual"/>.</summary>
    private string Forge(Architecture claimed, torch.nn.Module actual)
    {
        var config = new TrainConfig
        {
            Data = new DataConfig { Kind = DatasetKind.FashionMnistLt },
            Model = new ModelConfig { Architecture = claimed },
        };
        var checkpoint = new Checkpoint();
        checkpoint.SetText("config", ConfigLoader.ToJson(config));
        checkpoint.SetText("classes", ClassesJson.Serialize(ClassificationDatasets.Describe(FashionMnist.ClassNames)));
        checkpoint.SetText(RunCheckpoint.ModelKeyShapes, ModelKeys.Describe(actual));
        checkpoint.Set("model", w => actual.save(w));
        var path = Path.Combine(dir, "foreign.ckpt");
        checkpoint.Save(path);
        return path;
    }

    [Fact]
    public void CheckpointOfAnotherArchitectureListsMissingAndUnexpectedKeys()
    {
        using var resnet = ClassificationModels.Create(Architecture.ResNet32Cifar, 10, 1, decoupled: false);
        var path = Forge(Architecture.SmallCnn, resnet);
        var e = Assert.Throws<InvalidDataException>(() => TrainedModel.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("SmallCnn with 10 classes", e.Message);
        Assert.Contains("missing from the file: backbone.features.0.conv.weight", e.Message);
        Assert.Contains("unexpected in the file: backbone.conv1.weight", e.Message);
    }

    [Fact]
    public void CheckpointWithAnotherClassCountListsTheShapes()
    {
        using var other = ClassificationModels.Create(Architecture.SmallCnn, 7, 1, decoupled: false);
        var path = Forge(Architecture.SmallCnn, other);
        var e = Assert.Throws<InvalidDataException>(() => TrainedModel.Load(path));
        Assert.Contains("different shapes: ", e.Message);
        Assert.Contains("fc.weight [7,128] in the file, [10,128] in the model", e.Message);
        Assert.Contains("scales [7] in the file, [10] in the model", e.Message);
    }

    [Fact]
    public void AnOutputDirectoryThatCannotBeWrittenIsRefusedBeforeTraining()
    {
        // root can write anywhere on a normal file system; a path below a regular file, or in /proc, fails for everyone
        var file = Path.Combine(dir, "a-file");
        File.WriteAllText(file, "x");
        foreach (var output in new[] { Path.Combine(file, "run"), "/proc/recallkit-cannot-write-here" })
        {
            using var run = new RunDirectory(output);
            var e = Assert.Throws<IOException>(run.Acquire);
            Assert.Contains($"output directory {output} is not writable", e.Message);
        }
        Assert.Equal("x", File.ReadAllText(file)); // nothing on disk damaged
    }
}
