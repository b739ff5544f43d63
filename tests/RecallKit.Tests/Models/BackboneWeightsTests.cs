using RecallKit.Vision.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RecallKit.Tests.Models;

public sealed class BackboneWeightsTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-weights-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void WeightsSavedInPyTorchFormatLoadIntoTheBackboneOfDeepLab()
    {
        var path = Path.Combine(dir, "resnet18.pth");
        using var source = new ResNetBackbone(ResNetDepth.ResNet18);
        using (no_grad())
            foreach (var p in source.parameters()) p.uniform_(-1, 1);
        source.save_py(path);

        using var model = new DeepLabV3Plus(5, ResNetDepth.ResNet18);
        var report = BackboneWeights.Load(model.Backbone, path);
        Assert.Empty(report.Missing);
        Assert.Equal(source.state_dict().Count, report.Loaded.Count);
        var expected = source.state_dict();
        foreach (var (key, value) in model.Backbone.state_dict())
            Assert.True(value.eq(expected[key]).all().item<bool>(), key);
    }

    [Fact]
    public void AFileOfAnotherArchitectureOrNoFileIsAClearError()
    {
        var path = Path.Combine(dir, "resnet50.pth");
        using (var other = new ResNetBackbone(ResNetDepth.ResNet50)) other.save_py(path);
        using var model = new DeepLabV3Plus(5, ResNetDepth.ResNet18);
        var e = Assert.Throws<InvalidDataException>(() => BackboneWeights.Load(model.Backbone, path));
        Assert.Contains(path, e.Message);
        Assert.Throws<FileNotFoundException>(() => BackboneWeights.Load(model.Backbone, Path.Combine(dir, "none.pth")));
    }
}
