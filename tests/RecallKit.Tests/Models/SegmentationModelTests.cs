using RecallKit.Runtime;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Models;

public class SegmentationModelTests
{
    private static long Parameters(nn.Module module) => module.parameters().Sum(p => p.numel());

    [Theory]
    [InlineData(Architecture.LiteSeg, 16, 33, 47)]
    [InlineData(Architecture.DeepLabV3PlusResNet18, 16, 33, 47)]
    [InlineData(Architecture.DeepLabV3PlusResNet18, 8, 40, 24)]
    [InlineData(Architecture.DeepLabV3PlusResNet50, 16, 33, 47)]
    public void OutputHasTheInputSizeAndOneChannelPerClass(Architecture architecture, int outputStride, int height, int width)
    {
        using var model = SegmentationModels.Create(architecture, 7, outputStride);
        model.eval();
        using var _ = no_grad();
        var output = model.call(randn(2, 3, height, width, generator: Support.Seeded.Generator(1)));
        Assert.Equal(new long[] { 2, 7, height, width }, output.shape);
        Assert.True(output.isfinite().all().item<bool>());
    }

    [Theory]
    [InlineData(16, 4)]
    [InlineData(8, 8)]
    [InlineData(32, 2)]
    public void DilationSetsTheStrideOfLayerFour(int outputStride, long expectedSize)
    {
        using var backbone = new ResNetBackbone(ResNetDepth.ResNet18, outputStride);
        backbone.eval();
        using var _ = no_grad();
        var (low, high) = backbone.call(zeros(1, 3, 64, 64));
        Assert.Equal(new long[] { 1, 64, 16, 16 }, low.shape);
        Assert.Equal(new long[] { 1, 512, expectedSize, expectedSize }, high.shape);
    }

    [Fact]
    public void TrunkParametersHaveTorchvisionNamesAndCounts()
    {
        using var r18 = new ResNetBackbone(ResNetDepth.ResNet18);
        var keys = r18.state_dict().Keys.ToHashSet();
        foreach (var key in new[] { "conv1.weight", "bn1.running_mean", "bn1.num_batches_tracked", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight",
                     "layer2.0.downsample.1.running_var", "layer4.1.bn2.bias" })
            Assert.Contains(key, keys);
        Assert.Equal(11_176_512, Parameters(r18));
        using var r50 = new ResNetBackbone(ResNetDepth.ResNet50);
        Assert.Equal(23_508_032, Parameters(r50));
        Assert.Contains("layer3.5.conv3.weight", r50.state_dict().Keys);
    }

    [Fact]
    public void ResNet50TrainsWithoutTheStridedPointwiseConvolutionCrash()
    {
        // libtorch 2.10's CPU backward of a strided 1×1 convolution (512→1024 at 8×8) dies with SIGFPE; the shortcut avoids it.
        using var model = new DeepLabV3Plus(3, ResNetDepth.ResNet50);
        var x = randn(new long[] { 2, 3, 128, 128 }, generator: Support.Seeded.Generator(4)).requires_grad_(true);
        model.call(x).sum().backward();
        Assert.True(x.grad!.isfinite().all().item<bool>());
        Assert.Contains("layer4.0.downsample.0.weight", model.Backbone.state_dict().Keys);
    }

    [Fact]
    public void LiteSegIsSmallAndLearnsATinyBatch()
    {
        manual_seed(3);
        using var model = new LiteSegNet(4);
        Assert.InRange(Parameters(model), 100_000, 300_000);
        // A learnable task: 8×8 blocks of one class, each class drawn in its own colour, plus noise.
        var blocks = randint(0, 4, new long[] { 2, 4, 6 }, dtype: ScalarType.Int64, generator: Support.Seeded.Generator(3));
        var y = blocks.repeat_interleave(8, 1).repeat_interleave(8, 2);
        var palette = tensor(new float[] { 1, -1, -1, -1, 1, -1, -1, -1, 1, 1, 1, 1 }, new long[] { 4, 3 });
        using var noise = 0.3.ToScalar();
        var x = palette.index_select(0, y.flatten()).view(2, 32, 48, 3).permute(0, 3, 1, 2)
            .add(randn(new long[] { 2, 3, 32, 48 }, generator: Support.Seeded.Generator(2)).mul(noise), Scalars.One);
        using var optimizer = optim.Adam(model.parameters(), 0.01);
        float first = 0, last = 0;
        for (int i = 0; i < 15; i++)
        {
            using var scope = NewDisposeScope();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < 0.6 * first, $"loss {first} → {last}");
    }

    [Fact]
    public void BadInputIsAnArgumentExceptionNotANativeAbort()
    {
        using var model = SegmentationModels.Create(Architecture.DeepLabV3PlusResNet18, 3);
        Assert.Contains("[1,4,32,32]", Assert.Throws<ArgumentException>(() => model.call(zeros(1, 4, 32, 32))).Message);
        Assert.Throws<ArgumentException>(() => model.call(zeros(3, 32, 32)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeepLabV3Plus(3, ResNetDepth.ResNet18, 32));
    }
}
