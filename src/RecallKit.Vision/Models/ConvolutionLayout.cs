using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>
/// The memory order in which libtorch 2.10 computes a CPU convolution correctly. Its k×k convolution on channels-first input
/// reads memory it never wrote: when the input channels are not a multiple of oneDNN's block (8 with AVX2, 16 with AVX-512)
/// the output, and at stride 1 the input gradient for most channel counts (also 32 → 19), depend on what earlier tensors left
/// in freed memory — silently wrong values, or NaN (Models/ConvolutionMemoryTests). Its channels-last kernels do not, nor
/// does PyTorch 1.13. A 1×1 convolution is correct channels-first, and its channels-last backward dies with SIGFPE for some
/// shapes (1024 → 256 at 8×8: ResNet-50's layer3).
/// </summary>
internal static class ConvolutionLayout
{
    /// <summary>
    /// <paramref name="input"/> for a convolution with <paramref name="weight"/>: on the CPU channels-last for a kernel larger
    /// than 1×1, channels-first for a 1×1 kernel (no copy when it already is; the output has the input's order); elsewhere as
    /// it is.
    /// </summary>
    public static Tensor Of(Tensor input, Tensor weight) =>
        input.device_type != DeviceType.CPU || input.dim() != 4 || weight.dim() != 4 ? input
        : weight.shape[2] * weight.shape[3] > 1 ? input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
        : ChannelsFirst(input);

    /// <summary>
    /// <paramref name="input"/> with channels-first strides. <c>contiguous()</c> alone is not enough: a [N, C, 1, 1] map pooled
    /// from a channels-last one counts as contiguous but keeps channels-last strides, and libtorch picks the convolution's
    /// order from the strides; a view of the same memory with the default strides fixes that without a copy.
    /// </summary>
    private static Tensor ChannelsFirst(Tensor input)
    {
        var contiguous = input.contiguous();
        var shape = contiguous.shape;
        var strides = contiguous.stride();
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (strides[i] != expected) return contiguous.reshape(-1).view(shape);
            expected *= shape[i];
        }
        return contiguous;
    }
}
