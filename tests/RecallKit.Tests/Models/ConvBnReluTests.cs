using RecallKit.Tests.Support;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Models;

public class ConvBnReluTests
{
    /// <summary>A dilated kernel wider than its input (the channels-last route) and a plain one give conv → batch norm → ReLU.</summary>
    [Theory]
    [InlineData(6, 8, 20)]  // kernel extent 13 > height 8: channels-last convolution
    [InlineData(18, 16, 32)] // DeepLab's rate 18 on a 16×32 map
    [InlineData(1, 8, 20)]  // extent 3: the usual route
    public void OutputAndGradientsAreThoseOfConvolutionBatchNormAndRelu(long dilation, long height, long width)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var block = new ConvBnRelu(4, 3, kernel_size: 3, dilation: dilation);
        block.to(ScalarType.Float64);
        block.train();
        var x = randn([2, 4, height, width], dtype: ScalarType.Float64, generator: new Generator(12)).requires_grad_(true);
        var probe = randn([2, 3, height, width], dtype: ScalarType.Float64, generator: new Generator(13));
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
}
