using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>3×3 (or k×k) convolution, batch norm, ReLU.</summary>
public sealed class ConvBnRelu : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly SynchronizedBatchNorm2d bn;

    /// <param name="input_channels">Input channels.</param>
    /// <param name="output_channels">Output channels.</param>
    /// <param name="kernel_size">Square kernel size (odd).</param>
    /// <param name="stride">Stride.</param>
    /// <param name="dilation">Dilation (padding keeps the size for stride 1).</param>
    public ConvBnRelu(long input_channels, long output_channels, long kernel_size = 3, long stride = 1, long dilation = 1)
        : base(nameof(ConvBnRelu))
    {
        conv = nn.Conv2d(input_channels, output_channels, kernel_size, stride: stride, padding: dilation * (kernel_size - 1) / 2,
            dilation: dilation, bias: false);
        bn = new SynchronizedBatchNorm2d(output_channels);
        RegisterComponents();
    }

    /// <inheritdoc />
    // In place: the batch norm's backward does not read its output.
    public override Tensor forward(Tensor input) => nn.functional.relu(bn.call(conv.call(input)), inplace: true);
}
