using RecallKit.Runtime;
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
    /// <remarks>ReLU in place: the batch norm's backward does not read its output.</remarks>
    public override Tensor forward(Tensor input) => nn.functional.relu(bn.call(ComputePrecision.Convolve(conv, input)), inplace: true);

    /// <summary>
    /// The block applied to the channel concatenation of <paramref name="parts"/>: equal to <c>forward(cat(parts, 1))</c>.
    /// On the CPU the concatenation is not built. A convolution sums over its input channels, so it is the sum of each part
    /// convolved with its slice of the weight; the weight stays one parameter (same state-dict key and shape). DeepLabV3+'s
    /// decoder (256 + 48 → 256 channels, 3×3, at a quarter of the input size): oneDNN's backward-data kernel for 304 input
    /// channels runs at about half the rate of its 256-channel one, and the split avoids it (forward+backward of that
    /// convolution on [2, 304, 64, 128]: 245–256 ms as one, 215–221 ms split).
    /// </summary>
    /// <exception cref="ArgumentException">No parts, a part that is not [N, C, H, W], parts of different batch, height or
    /// width, or channel counts that do not add up to the block's input channels.</exception>
    public Tensor ForwardConcatenated(params Tensor[] parts)
    {
        if (parts.Length == 0) throw new ArgumentException("at least one part is needed.", nameof(parts));
        if (parts.Any(p => p.dim() != 4))
            throw new ArgumentException($"every part must be [N, C, H, W]; got {string.Join(", ", parts.Select(p => $"[{string.Join(", ", p.shape)}]"))}.", nameof(parts));
        if (parts.Any(p => p.shape[0] != parts[0].shape[0] || p.shape[2] != parts[0].shape[2] || p.shape[3] != parts[0].shape[3]))
            throw new ArgumentException($"the parts must agree in batch, height and width; got {string.Join(", ", parts.Select(p => $"[{string.Join(", ", p.shape)}]"))}.", nameof(parts));
        long channels = parts.Sum(p => p.shape[1]);
        if (channels != conv.in_channels)
            throw new ArgumentException($"the parts have {channels} channels together ({string.Join(" + ", parts.Select(p => p.shape[1]))}); this block takes {conv.in_channels}.", nameof(parts));
        if (parts.Length == 1) return forward(parts[0]);
        if (parts.Any(p => p.device_type != DeviceType.CPU)) return forward(cat(parts, 1));
        using var scope = NewDisposeScope();
        var weight = conv.weight!;
        Tensor? sum = null;
        long first = 0;
        foreach (var part in parts)
        {
            var slice = weight.narrow(1, first, part.shape[1]);
            first += part.shape[1];
            var term = ComputePrecision.Convolve(part, slice, conv.stride, conv.padding, conv.dilation);
            sum = sum is null ? term : sum.add_(term, Scalars.One);
        }
        return nn.functional.relu(bn.call(sum!), inplace: true).MoveToOuterDisposeScope();
    }
}
