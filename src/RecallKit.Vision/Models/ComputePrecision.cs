using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>
/// Mixed precision inside the networks' own blocks, what <c>torch.autocast</c> does for convolutions and linear layers:
/// while a <see cref="Use"/> scope is open on a thread, every convolution and linear layer of RecallKit's networks casts its
/// input and its float32 weight to the compute dtype (bfloat16 or float16) and computes in it, forward and backward. The
/// parameters stay float32 (the cast is part of the graph, so their gradients are float32: master weights), batch norm reads
/// the low-precision activations with its float32 weight and running statistics (libtorch's mixed-type kernel: statistics
/// accumulate in float32), and each network upcasts its logits to float32, so losses, softmax and metrics run in float32.
/// Without a scope (the default) every block computes in its parameters' dtype, as before.
/// </summary>
public static class ComputePrecision
{
    [ThreadStatic] private static ScalarType? current;

    /// <summary>The dtype convolutions and linear layers compute in on this thread; null: their parameters' own.</summary>
    public static ScalarType? Current => current;

    /// <summary>Computes in <paramref name="dtype"/> on this thread until the returned scope is disposed (scopes nest).</summary>
    /// <param name="dtype">BFloat16 or Float16; null (or Float32) computes in the parameters' dtype.</param>
    /// <exception cref="ArgumentException">Another dtype.</exception>
    public static Scope Use(ScalarType? dtype)
    {
        if (dtype is not (null or ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"mixed precision computes in bfloat16 or float16, not {dtype}.", nameof(dtype));
        var previous = current;
        current = dtype == ScalarType.Float32 ? null : dtype;
        return new Scope(previous);
    }

    /// <summary>Restores the compute dtype that was in force before <see cref="Use"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly ScalarType? previous;

        internal Scope(ScalarType? previous) => this.previous = previous;

        /// <inheritdoc />
        public void Dispose() => current = previous;
    }

    /// <summary>
    /// <paramref name="conv"/> applied to <paramref name="input"/>: in the compute dtype where <see cref="Computes"/> allows it,
    /// otherwise in the weight's dtype (a low-precision input is upcast).
    /// </summary>
    internal static Tensor Convolve(Conv2d conv, Tensor input)
    {
        var weight = conv.weight!;
        var dtype = DtypeFor(weight, input);
        var x = ConvolutionLayout.Of(input.to_type(dtype), weight);
        return dtype == weight.dtype
            ? conv.call(x)
            : nn.functional.conv2d(x, weight.to_type(dtype), conv.bias?.to_type(dtype), conv.stride, conv.padding, conv.dilation,
                conv.groups);
    }

    /// <summary>A convolution with an explicit weight (a slice of a block's weight), like <see cref="Convolve(Conv2d, Tensor)"/>.</summary>
    internal static Tensor Convolve(Tensor input, Tensor weight, long[]? stride, long[]? padding, long[]? dilation)
    {
        var dtype = DtypeFor(weight, input);
        var x = ConvolutionLayout.Of(input.to_type(dtype), weight);
        return nn.functional.conv2d(x, weight.to_type(dtype), null, stride, padding, dilation);
    }

    /// <summary>
    /// The dtype a layer with <paramref name="weight"/> computes in: the scope's where <see cref="Computes"/> allows it, else
    /// the weight's.
    /// </summary>
    private static ScalarType DtypeFor(Tensor weight, Tensor input) =>
        current is { } dtype && Computes(weight.shape[0], input) ? dtype : weight.dtype;

    /// <summary><paramref name="layer"/> applied to <paramref name="input"/>, in the compute dtype where <see cref="Computes"/> allows it.</summary>
    internal static Tensor Linear(Linear layer, Tensor input)
    {
        var weight = layer.weight!;
        var dtype = DtypeFor(weight, input);
        return dtype == weight.dtype
            ? layer.call(input.to_type(dtype))
            : nn.functional.linear(input.to_type(dtype), weight.to_type(dtype), layer.bias?.to_type(dtype));
    }

    /// <summary>
    /// Whether a layer with <paramref name="outputChannels"/> computes in the low-precision dtype: an even count, or an input that
    /// needs no gradient. libtorch 2.10's bfloat16 CPU convolution with oneDNN's AVX-512 kernels returns wrong input gradients
    /// for an odd number of output channels (1, 5, 19, 21: 15 % to 10³⁷ relative error, or NaN; output and weight gradient
    /// correct), so a network's classifier with an odd class count computes in float32; an image stem's input gradient is never
    /// computed. (The earlier, stricter rule — both counts multiples of 16 — was measured against float32 convolutions in
    /// channels-first order, which were themselves wrong for such counts: see <see cref="ConvolutionLayout"/>.)
    /// </summary>
    internal static bool Computes(long outputChannels, Tensor input) => outputChannels % 2 == 0 || !input.requires_grad;

    /// <summary>Logits for the loss: a bfloat16 or float16 tensor upcast to float32, any other returned as it is.</summary>
    public static Tensor ToFloat32(Tensor logits) =>
        logits.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? logits.to_type(ScalarType.Float32) : logits;
}
