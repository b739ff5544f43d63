using RecallKit.Tests.Support;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Models;

/// <summary>
/// libtorch 2.10's float32 CPU convolution on channels-first input reads memory it never wrote: for 3×3 kernels whose input
/// channels are not a multiple of oneDNN's block (8 with AVX2, 16 with AVX-512) the output, and at stride 1 the gradients for
/// most channel counts, depend on what earlier tensors left in freed memory (a NaN in a LiteSeg evaluation in CI). Float64
/// convolutions take another kernel and are the reference; each float32 computation runs after freed memory was filled with 1e6.
/// </summary>
public class ConvolutionMemoryTests
{
    [Theory]
    [InlineData(12, 4, 3, 1, 2, 12, 8)]  // LiteSeg width 4's fuse2 (8 + 4 channels), where CI saw the NaN
    [InlineData(12, 4, 3, 2, 2, 12, 8)]
    [InlineData(20, 19, 3, 1, 1, 64, 64)]
    [InlineData(24, 8, 3, 1, 1, 64, 64)] // a multiple of 8, not of 16
    [InlineData(40, 4, 3, 2, 1, 64, 64)]
    [InlineData(3, 16, 3, 1, 2, 12, 8)]  // an image stem: its gradients
    [InlineData(32, 19, 3, 1, 2, 12, 8)] // multiples of the block in, not out: the input gradient
    [InlineData(48, 64, 3, 2, 2, 12, 8)] // with AVX-512: the input gradient
    [InlineData(12, 4, 1, 1, 2, 12, 8)]  // 1×1: channels-first
    [InlineData(20, 19, 1, 1, 1, 64, 64)]
    [InlineData(40, 24, 1, 2, 1, 64, 64)]
    [InlineData(1024, 256, 1, 1, 2, 8, 8)] // channels-last's backward dies with SIGFPE here
    public void Float32BlockEqualsFloat64WhateverFreedMemoryHolds(int input_channels, int output_channels, int kernel_size, int stride, int n,
        int height, int width)
    {
        using var scope = NewDisposeScope();
        using var block = new ConvBnRelu(input_channels, output_channels, kernel_size, stride);
        using var reference = new ConvBnRelu(input_channels, output_channels, kernel_size, stride);
        reference.load_state_dict(block.state_dict());
        reference.to(ScalarType.Float64);
        var generator = new Generator(31);
        var x = randn([n, input_channels, height, width], generator: generator).requires_grad_(true);
        var x64 = x.detach().to_type(ScalarType.Float64).requires_grad_(true);
        var expected = reference.call(x64);
        var probe = randn(expected.shape, generator: generator);
        expected.mul(probe.to_type(ScalarType.Float64)).sum().backward();

        FreedMemory.Fill(1e6f);
        var output = block.call(x);
        FreedMemory.Fill(1e6f);
        output.mul(probe).sum().backward();

        Tensors.AllClose(expected.ToDoubles(), output.ToDoubles(), 1e-4);
        Tensors.AllClose(x64.grad!.ToDoubles(), x.grad!.ToDoubles(), 1e-4);
        Tensors.AllClose(Grad(reference).ToDoubles(), Grad(block).ToDoubles(), 1e-3);
    }

    [Fact]
    public void LiteSegEvaluationEqualsFloat64WhateverFreedMemoryHolds()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = new LiteSegNet(5, width: 4);
        using var reference = new LiteSegNet(5, width: 4);
        reference.load_state_dict(model.state_dict());
        reference.to(ScalarType.Float64);
        model.eval();
        reference.eval();
        var images = randn(2, 3, 24, 16, generator: Support.Seeded.Generator(1));
        var expected = reference.call(images.to_type(ScalarType.Float64));
        for (int i = 0; i < 3; i++)
        {
            FreedMemory.Fill(1e6f);
            Tensors.AllClose(expected.ToDoubles(), model.call(images).ToDoubles(), 1e-4);
        }
    }

    /// <summary>
    /// A 1×1 convolution gets channels-first strides, also for an image-pooling branch's [N, C, 1, 1] input, which libtorch
    /// counts as contiguous while its strides are channels-last ones (adaptive average pooling of a channels-last map).
    /// </summary>
    [Fact]
    public void APointwiseConvolutionsInputHasChannelsFirstStridesAndAKernelsChannelsLast()
    {
        using var scope = NewDisposeScope();
        var map = randn(2, 8, 6, 5).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2); // channels-last, as a k×k output
        var pooled = nn.functional.adaptive_avg_pool2d(map, 1);
        var pointwise = zeros(4, 8, 1, 1);
        var kernel = zeros(4, 8, 3, 3);
        Assert.Equal([8L, 1, 1, 1], ConvolutionLayout.Of(pooled, pointwise).stride());
        Assert.Equal([240L, 30, 5, 1], ConvolutionLayout.Of(map, pointwise).stride());
        Assert.Equal([240L, 1, 40, 8], ConvolutionLayout.Of(map, kernel).stride());
        Assert.True(ConvolutionLayout.Of(pooled, pointwise).equal(pooled).all().item<bool>());
    }

    private static Tensor Grad(ConvBnRelu block) => block.named_parameters().Single(p => p.name == "conv.weight").parameter.grad!;
}
