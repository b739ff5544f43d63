using RecallKit.Vision.Models;
using RecallKit.Vision.Models.Classification;
using static TorchSharp.torch;

namespace RecallKit.Tests.Classification;

public sealed class ClassifierModelTests
{
    private static long Parameters(TorchSharp.torch.nn.Module module) => module.parameters().Sum(p => p.numel());

    [Theory]
    // small CNN: convs 288 + 18,432 + 73,728 + 147,456, batch norms 704, fc 1,290, scales 10
    [InlineData(Architecture.SmallCnn, 10, 1, 241_908)]
    // ResNet-32: 466,256 in the trunk (as He et al.'s with 1×1 projections), fc 6,500, scales 100
    [InlineData(Architecture.ResNet32Cifar, 100, 3, 472_856)]
    // torchvision ResNet-50 without fc: 23,508,032; fc 2048·8142 + 8142; scales 8142
    [InlineData(Architecture.ResNet50, 8142, 3, 40_199_132)]
    // torchvision ResNet-18 without fc: 11,176,512; fc 512·1000 + 1000; scales 1000
    [InlineData(Architecture.ResNet18, 1000, 3, 11_690_512)]
    public void ParameterCountsMatchTheReferenceNetworks(Architecture architecture, int classes, int channels, long expected)
    {
        using var network = ClassificationModels.Create(architecture, classes, channels, decoupled: false);
        Assert.Equal(expected, Parameters(network));
    }

    [Fact]
    public void OutputsAreLogitsPerImageForEverySize()
    {
        using var _ = no_grad();
        foreach (var (architecture, channels, size) in new[] { (Architecture.SmallCnn, 1, 28), (Architecture.ResNet32Cifar, 3, 32), (Architecture.ResNet10, 3, 64) })
        {
            using var network = ClassificationModels.Create(architecture, 7, channels, decoupled: true);
            network.eval();
            Assert.Equal([2L, 7], network.call(randn(2, channels, size, size)).shape);
            var (h, g) = network.TrainingLogits(randn(2, channels, size, size));
            Assert.Equal([2L, 7], h.shape);
            Assert.Equal([2L, 7], g!.shape);
        }
        Assert.Throws<ArgumentException>(() => ClassificationModels.Create(Architecture.LiteSeg, 3, 3, false));
    }
}
