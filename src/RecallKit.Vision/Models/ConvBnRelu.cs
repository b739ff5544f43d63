using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>3×3 (or k×k) convolution, batch norm, ReLU.</summary>
public sealed class ConvBnRelu : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly SynchronizedBatchNorm2d bn;
    private readonly long extent; // of the dilated kernel: dilation·(k − 1) + 1

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
        extent = dilation * (kernel_size - 1) + 1;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var features = WiderThanInput(input) ? ChannelsLastConvolution(input) : conv.call(input);
        return nn.functional.relu(bn.call(features), inplace: true); // in place: the batch norm's backward does not read its output
    }

    /// <summary>
    /// Whether the dilated kernel spans more than the input (DeepLab's atrous rates 12 and 18 on a 16×32 map). On the CPU,
    /// oneDNN's direct convolution kernels for the channels-first blocked layout do not take that case and it falls back to
    /// im2col + GEMM, 2–3× slower than its channels-last kernels (a 512→256, rate-12 convolution on [2,512,16,32]: 17 ms
    /// forward against 6.5 ms).
    /// </summary>
    private bool WiderThanInput(Tensor input) =>
        input.device_type == DeviceType.CPU && input.dim() == 4 && (extent > input.shape[2] || extent > input.shape[3]);

    /// <summary>The same convolution with the input in channels-last order, its output back in the usual order.</summary>
    private Tensor ChannelsLastConvolution(Tensor input)
    {
        using var scope = NewDisposeScope();
        var channelsLast = input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        return conv.call(channelsLast).contiguous().MoveToOuterDisposeScope();
    }
}
