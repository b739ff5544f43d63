using RecallKit.Tests.Support;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Models;

public class ConvBnReluTests
{
    /// <summary>A dilated kernel wider than its input and a plain one give conv → batch norm → ReLU.</summary>
    [Theory]
    [InlineData(6, 8, 20)]  // kernel extent 13 > height 8
    [InlineData(18, 16, 32)] // DeepLab's rate 18 on a 16×32 map
    [InlineData(1, 8, 20)]  // extent 3
    public void OutputAndGradientsAreThoseOfConvolutionBatchNormAndRelu(long dilation, long height, long width)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var block = new ConvBnRelu(4, 3, kernel_size: 3, dilation: dilation);
        block.to(ScalarType.Float64);
        block.train();
        var x = randn([2, 4, height, width], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(12)).requires_grad_(true);
        var probe = randn([2, 3, height, width], dtype: ScalarType.Float64, generator: Support.Seeded.Generator(13));
        var parameters = block.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        block.call(x).mul(probe).sum().backward();
        var output = block.call(x.detach()).detach();
        var inputGrad = x.grad!.ToDoubles();
        var weightGrad = parameters["conv.weight"].grad!.ToDoubles();
        x.grad!.zero_();
        parameters["conv.weight"].grad!.zero_();

        var w = parameters["conv.weight"];
        var expected = nn.functional.relu(nn.functional.batch_norm(
            nn.functional.conv2d(x, w, null, [1, 1], [dilation, dilation], [dilation, dilation]),
            null, null, parameters["bn.weight"], parameters["bn.bias"], training: true, momentum: 0.1, eps: 1e-5));
        expected.mul(probe).sum().backward();

        Tensors.AllClose(expected.detach().ToDoubles(), output.ToDoubles(), 1e-10);
        Tensors.AllClose(x.grad!.ToDoubles(), inputGrad, 1e-10);
        Tensors.AllClose(w.grad!.ToDoubles(), weightGrad, 1e-10);
    }

    /// <summary>The block on parts equals the block on their concatenation: output, the parts' gradients and the weight's.</summary>
    [Theory]
    [InlineData(new long[] { 5, 2 }, 1)]    // DeepLab's decoder shape in small: a wide part and a narrow one
    [InlineData(new long[] { 3, 1, 3 }, 1)] // three parts
    [InlineData(new long[] { 3, 2 }, 2)]    // dilated, narrower than the input: split
    [InlineData(new long[] { 4, 3 }, 6)]    // a dilated kernel wider than the 6×9 input
    public void PartsGiveTheBlockOfTheirConcatenation(long[] channels, long dilation)
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        using var block = new ConvBnRelu(channels.Sum(), 4, kernel_size: 3, dilation: dilation);
        block.to(ScalarType.Float64);
        block.train();
        var generator = new Generator(22);
        var parts = channels.Select(c => randn([2, c, 6, 9], dtype: ScalarType.Float64, generator: generator).requires_grad_(true)).ToArray();
        var probe = randn([2, 4, 6, 9], dtype: ScalarType.Float64, generator: generator);
        var weight = block.named_parameters().Single(p => p.name == "conv.weight").parameter;

        var split = block.ForwardConcatenated(parts);
        split.mul(probe).sum().backward();
        var splitGrads = parts.Select(p => p.grad!.ToDoubles()).ToArray();
        var splitWeightGrad = weight.grad!.ToDoubles();
        foreach (var p in parts) p.grad!.zero_();
        weight.grad!.zero_();

        var whole = block.call(cat(parts, 1));
        whole.mul(probe).sum().backward();

        Tensors.AllClose(whole.detach().ToDoubles(), split.detach().ToDoubles(), 1e-10);
        for (int i = 0; i < parts.Length; i++) Tensors.AllClose(parts[i].grad!.ToDoubles(), splitGrads[i], 1e-10);
        Tensors.AllClose(weight.grad!.ToDoubles(), splitWeightGrad, 1e-10);
        Assert.True(whole.abs().sum().item<double>() > 0); // the probe reaches something
    }

    [Fact]
    public void PartsWhoseChannelsDoNotAddUpAreRefusedWithTheCounts()
    {
        using var scope = NewDisposeScope();
        using var block = new ConvBnRelu(7, 4);
        var error = Assert.Throws<ArgumentException>(() => block.ForwardConcatenated(zeros(1, 5, 4, 4), zeros(1, 3, 4, 4)));
        Assert.Contains("8 channels together (5 + 3)", error.Message);
        Assert.Contains("takes 7", error.Message);
        Assert.Throws<ArgumentException>(() => block.ForwardConcatenated(zeros(5, 4, 4)));
        foreach (var other in new[] { zeros(1, 2, 6, 9), zeros(2, 2, 1, 9), zeros(2, 2, 6, 1) }) // sizes add_ would broadcast
        {
            var mismatch = Assert.Throws<ArgumentException>(() => block.ForwardConcatenated(zeros(2, 5, 6, 9), other));
            Assert.Contains("batch, height and width", mismatch.Message);
        }
        Assert.Throws<ArgumentException>(() => block.ForwardConcatenated());
    }
}
