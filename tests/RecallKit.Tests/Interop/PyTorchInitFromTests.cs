using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Synthetic;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Interop;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Tests.Interop;

/// <summary>
/// <c>model.init_from</c> with PyTorch state_dict files written here with TorchSharp.PyBridge (the same zip format as torch.save;
/// files written by PyTorch itself are covered by <see cref="PyTorchInteropTests"/>), so these run without Python.
/// </summary>
[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class PyTorchInitFromTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-pt-init-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Save(nn.Module module, string name)
    {
        var path = Path.Combine(dir, name);
        PyTorchStateDict.Save(module.state_dict(), path);
        return path;
    }

    private TrainConfig ClassifierConfig(string architecture, string init_from) => ConfigLoader.Load(null,
        ["data.kind=fashion_mnist_lt", $"model.architecture={architecture}", $"model.init_from={init_from}", $"output={Path.Combine(dir, "run")}"]);

    [Fact]
    public void ATrainingRunStartsFromAPyTorchStateDict()
    {
        using var source = SegmentationModels.Create(Architecture.LiteSeg, SceneClasses.Description.Count);
        var weights = Save(source, "liteseg.pth");
        var config = ConfigLoader.Load(null,
        [
            $"data.root={Path.Combine(dir, "data")}", "data.crop_width=64", "data.crop_height=32", "data.batch_size=2", "data.synthetic_train=2",
            "data.synthetic_val=2", "schedule.iterations=1", "schedule.eval_every=1", "schedule.log_every=1", "schedule.checkpoint_every=1",
            $"model.init_from={weights}", $"output={Path.Combine(dir, "tuned")}",
        ]);
        var log = new StringWriter();
        SegmentationExperiment.Train(config, resume: false, log);
        Assert.Contains($"initialised from {weights}: {source.state_dict().Count} tensors loaded (PyTorch state_dict)", log.ToString());
        Assert.True(File.Exists(Path.Combine(config.Output, "last.ckpt")));
    }

    [Fact]
    public void TheFormatIsJudgedByTheContentNotByTheFileName()
    {
        using var network = ClassificationModels.Create(Architecture.SmallCnn, 10, 1, decoupled: false);
        var pytorch = Save(network, "weights.ckpt");
        Assert.Equal(WeightsFileFormat.PyTorchZip, WeightsFiles.Detect(pytorch));
        var log = new StringWriter();
        using (var loaded = ClassificationExperiment.CreateNetwork(ClassifierConfig("small_cnn", pytorch), 10, log))
        {
            var expected = network.state_dict();
            Assert.All(loaded.state_dict(), p => Assert.True(p.Value.eq(expected[p.Key]).all().item<bool>(), p.Key));
        }
        Assert.Contains("(PyTorch state_dict)", log.ToString());

        var checkpoint = Path.Combine(dir, "model.pt");
        var config = new TrainConfig { Data = new DataConfig { Kind = DatasetKind.FashionMnistLt }, Model = new ModelConfig { Architecture = Architecture.SmallCnn } };
        var classes = RecallKit.Vision.Data.Classification.ClassificationDatasets.Describe(Enumerable.Range(0, 10).Select(i => $"c{i}").ToArray());
        using (var file = RunCheckpoint.Create(config, TrainingProgress.Start, classes, null, network)) file.Save(checkpoint);
        Assert.Equal(WeightsFileFormat.RecallKitCheckpoint, WeightsFiles.Detect(checkpoint));
        log = new StringWriter();
        using (ClassificationExperiment.CreateNetwork(ClassifierConfig("small_cnn", checkpoint), 10, log)) { }
        Assert.Equal($"initialised from {checkpoint}", log.ToString().Trim());
    }

    [Fact]
    public void AStateDictOfAnotherArchitectureOrClassCountNamesTheKeysAndShapes()
    {
        using (var resnet = ClassificationModels.Create(Architecture.ResNet32Cifar, 10, 1, decoupled: false))
        {
            var path = Save(resnet, "resnet32.pt");
            var e = Assert.Throws<InvalidDataException>(() => ClassificationExperiment.CreateNetwork(ClassifierConfig("small_cnn", path), 10, TextWriter.Null));
            Assert.Contains(path, e.Message);
            Assert.Contains("missing from the file: backbone.features.0.conv.weight", e.Message);
            Assert.Contains("unexpected in the file: backbone.bn1.bias", e.Message);
        }
        using (var seven = ClassificationModels.Create(Architecture.SmallCnn, 7, 1, decoupled: false))
        {
            var path = Save(seven, "seven.pt");
            var e = Assert.Throws<InvalidDataException>(() => ClassificationExperiment.CreateNetwork(ClassifierConfig("small_cnn", path), 10, TextWriter.Null));
            Assert.Contains("fc.weight [7,128] in the file, [10,128] in the model", e.Message);
        }
        using (var liteseg = SegmentationModels.Create(Architecture.LiteSeg, 10))
        {
            var path = Save(liteseg, "liteseg.pt");
            using var deeplab = SegmentationModels.Create(Architecture.DeepLabV3PlusResNet18, 10);
            var e = Assert.Throws<InvalidDataException>(() =>
                SegmentationInitialisation.Apply(deeplab, path, Architecture.DeepLabV3PlusResNet18, SceneClasses.Description, TextWriter.Null));
            Assert.Contains($"model.init_from = {path} does not fit a DeepLabV3PlusResNet18", e.Message);
            Assert.Contains("backbone.conv1.weight is missing from the file", e.Message);
        }
    }

    [Fact]
    public void ASegmentationStateDictWithAnotherClassCountKeepsTheFreshClassifier()
    {
        using var three = SegmentationModels.Create(Architecture.LiteSeg, 3);
        var path = Save(three, "three.pt");
        using var model = SegmentationModels.Create(Architecture.LiteSeg, 10);
        var log = new StringWriter();
        var report = SegmentationInitialisation.Apply(model, path, Architecture.LiteSeg, SceneClasses.Description, log);
        Assert.Equal(["classifier.bias", "classifier.weight"], report.Reinitialised.Order(StringComparer.Ordinal));
        Assert.Equal(model.state_dict().Count - 2, report.Loaded.Count);
        Assert.Contains("the file's classifier has 3 outputs, this dataset 10 classes", log.ToString());
        var source = three.state_dict();
        Assert.All(report.Loaded, key => Assert.True(model.state_dict()[key].eq(source[key]).all().item<bool>(), key));
    }

    [Fact]
    public void AFileThatHoldsNoWeightsIsAClearError()
    {
        var path = Path.Combine(dir, "notes.pt");
        File.WriteAllText(path, "not weights");
        var e = Assert.Throws<InvalidDataException>(() => ClassificationExperiment.CreateNetwork(ClassifierConfig("small_cnn", path), 10, TextWriter.Null));
        Assert.Equal($"model.init_from = {path} is neither a RecallKit checkpoint nor a PyTorch state_dict written by torch.save.", e.Message);

        var zip = Path.Combine(dir, "archive.pt");
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create)) archive.CreateEntry("readme.txt");
        e = Assert.Throws<InvalidDataException>(() => ClassificationExperiment.CreateNetwork(ClassifierConfig("small_cnn", zip), 10, TextWriter.Null));
        Assert.Contains($"{zip}: cannot read a PyTorch state_dict", e.Message);

        Assert.Throws<FileNotFoundException>(() => ClassificationExperiment.CreateNetwork(ClassifierConfig("small_cnn", Path.Combine(dir, "none.pt")), 10, TextWriter.Null));
    }
}
