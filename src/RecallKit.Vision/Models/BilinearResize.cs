using System.Buffers;
using System.Numerics;
using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>
/// Bilinear resizing of [N,C,H,W] maps with <c>align_corners = false</c>: the result of
/// <c>nn.functional.interpolate(x, [height, width], mode: Bilinear, align_corners: false)</c> (same source positions and
/// weights, same order of the products; equal within float rounding) and its gradient, computed separably on the CPU.
/// </summary>
/// <remarks>
/// libtorch 2.10's CPU kernels for this case are 2–3× slower than PyTorch 1.13's on the DeepLabV3+ shapes (a [2,19,64,128]
/// → 256×512 resize: 8–10 ms forward on 2 threads against 3.5 ms; its backward likewise). Here each output row is a blend of
/// two rows that were interpolated along the width once per source row, and the backward sums the output rows into source
/// rows before spreading them along the width: the per-pixel gathers run once per source row instead of once per output
/// row. Planes (N·C) run on libtorch's OpenMP threads. Other devices and dtypes, and other ranks, use libtorch's operator.
/// The backward is not itself differentiable: a second-order gradient (<c>create_graph</c>) through the resize needs
/// libtorch's operator.
/// </remarks>
public static class BilinearResize
{
    /// <summary>The input resized to <paramref name="height"/> × <paramref name="width"/>.</summary>
    /// <param name="input">[N,C,H,W].</param>
    /// <param name="height">Output height (≥ 1).</param>
    /// <param name="width">Output width (≥ 1).</param>
    public static Tensor Resize(Tensor input, long height, long width)
    {
        if (!Supports(input, height, width))
            return nn.functional.interpolate(input, [height, width], mode: InterpolationMode.Bilinear, align_corners: false);
        var size = new OutputSize(height, width);
        if (input.requires_grad && is_grad_enabled()) return Function.apply(input, size);
        using var _ = no_grad();
        return Forward(input, size);
    }

    /// <summary>Whether the CPU kernel takes this case: a non-empty 4-d float32/float64 CPU tensor, spans addressable by int.</summary>
    internal static bool Supports(Tensor input, long height, long width) =>
        input.device_type == DeviceType.CPU && input.dtype is ScalarType.Float32 or ScalarType.Float64 && input.dim() == 4
        && input.numel() > 0 && height > 0 && width > 0
        && Math.Max(input.numel(), input.shape[0] * input.shape[1] * height * width) * input.ElementSize <= int.MaxValue
        && input.shape[2] * width <= MaxScratch; // the backward's per-thread buffer: source rows × output columns

    /// <summary>Elements of the backward's per-thread buffer beyond which libtorch's operator is used instead (64 MB of float32).</summary>
    private const long MaxScratch = 1L << 24;

    private sealed record OutputSize(long Height, long Width);

    private static Tensor Forward(Tensor input, OutputSize size)
    {
        using var x = input.contiguous();
        var output = empty([x.shape[0], x.shape[1], size.Height, size.Width], dtype: x.dtype, device: x.device);
        if (x.dtype == ScalarType.Float32) Kernel<float>.Forward(x, output);
        else Kernel<double>.Forward(x, output);
        return output;
    }

    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(BilinearResize) + "Backward";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            ctx.save_data("shape", input.shape);
            return Forward(input, (OutputSize)vars[1]);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var shape = (long[])ctx.get_data("shape");
            using var g = grad_output.contiguous();
            var grad = zeros(shape, dtype: g.dtype, device: g.device);
            if (g.dtype == ScalarType.Float32) Kernel<float>.Backward(g, grad);
            else Kernel<double>.Backward(g, grad);
            return [grad, null!]; // one entry per apply argument; the size gets none
        }
    }

    /// <summary>Source rows (or columns) and weights of each output row (column), as libtorch computes them.</summary>
    private sealed class Axis<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public readonly int[] First, Second;
        public readonly T[] FirstWeight, SecondWeight;

        public Axis(long input, long output)
        {
            First = new int[output];
            Second = new int[output];
            FirstWeight = new T[output];
            SecondWeight = new T[output];
            T scale = T.CreateTruncating(input) / T.CreateTruncating(output), half = T.CreateTruncating(0.5);
            for (int i = 0; i < output; i++)
            {
                if (input == output)
                {
                    // As libtorch: a kept size reads one source pixel, not a zero-weighted neighbour (0 · ∞ would be NaN).
                    First[i] = Second[i] = i;
                    FirstWeight[i] = T.One;
                    SecondWeight[i] = T.Zero;
                    continue;
                }
                T real = T.Max(scale * (T.CreateTruncating(i) + half) - half, T.Zero);
                int i0 = (int)Math.Min(long.CreateTruncating(T.Floor(real)), input - 1);
                T lambda = T.Clamp(real - T.CreateTruncating(i0), T.Zero, T.One);
                First[i] = i0;
                Second[i] = i0 < input - 1 ? i0 + 1 : i0;
                FirstWeight[i] = T.One - lambda;
                SecondWeight[i] = lambda;
            }
        }
    }

    private static unsafe class Kernel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Forward(Tensor x, Tensor output)
        {
            int h = (int)x.shape[2], w = (int)x.shape[3], oh = (int)output.shape[2], ow = (int)output.shape[3];
            var rows = new Axis<T>(h, oh);
            var columns = new Axis<T>(w, ow);
            nint source = (nint)TensorData.Pointer<T>(x), target = (nint)TensorData.Pointer<T>(output);
            TorchThreads.For(x.shape[0] * x.shape[1], TorchThreads.Count, () => new Scratch(2 * ow), (plane, scratch) =>
            {
                T* src = (T*)source + plane * h * w, dst = (T*)target + plane * oh * ow;
                // Source row y is kept, interpolated along the width, in half (y mod 2) of the cache: an output row needs rows
                // y0 and y0 + 1 (or y0 twice), which never share a half, and y0 only grows with the output row.
                var cache = scratch.Buffer.AsSpan(0, 2 * ow);
                int even = -1, odd = -1; // the source rows the two halves hold
                for (int oy = 0; oy < oh; oy++)
                {
                    int y0 = rows.First[oy], y1 = rows.Second[oy];
                    var first = Held(y0, cache);
                    var second = Held(y1, cache);
                    Blend(first, rows.FirstWeight[oy], second, rows.SecondWeight[oy], new Span<T>(dst + (long)oy * ow, ow));
                }

                Span<T> Held(int y, Span<T> cache)
                {
                    var half = cache.Slice((y & 1) * ow, ow);
                    ref int held = ref (y & 1) == 0 ? ref even : ref odd;
                    if (held != y)
                    {
                        Interpolate(new ReadOnlySpan<T>(src + (long)y * w, w), half, columns);
                        held = y;
                    }
                    return half;
                }
            }, scratch => scratch.Dispose());
        }

        public static void Backward(Tensor gradOutput, Tensor grad)
        {
            int h = (int)grad.shape[2], w = (int)grad.shape[3], oh = (int)gradOutput.shape[2], ow = (int)gradOutput.shape[3];
            var rows = new Axis<T>(h, oh);
            var columns = new Axis<T>(w, ow);
            nint source = (nint)TensorData.Pointer<T>(gradOutput), target = (nint)TensorData.Pointer<T>(grad);
            TorchThreads.For(grad.shape[0] * grad.shape[1], TorchThreads.Count, () => new Scratch(h * ow), (plane, scratch) =>
            {
                T* g = (T*)source + plane * oh * ow, gin = (T*)target + plane * h * w;
                var sums = scratch.Buffer.AsSpan(0, h * ow); // output rows summed into source rows, still output columns
                sums.Clear();
                for (int oy = 0; oy < oh; oy++)
                {
                    var row = new ReadOnlySpan<T>(g + (long)oy * ow, ow);
                    AddScaled(sums.Slice(rows.First[oy] * ow, ow), row, rows.FirstWeight[oy]);
                    AddScaled(sums.Slice(rows.Second[oy] * ow, ow), row, rows.SecondWeight[oy]);
                }
                for (int y = 0; y < h; y++)
                {
                    var sum = sums.Slice(y * ow, ow);
                    var into = new Span<T>(gin + (long)y * w, w);
                    for (int ox = 0; ox < ow; ox++)
                    {
                        into[columns.First[ox]] += sum[ox] * columns.FirstWeight[ox];
                        into[columns.Second[ox]] += sum[ox] * columns.SecondWeight[ox];
                    }
                }
            }, scratch => scratch.Dispose());
        }

        private static void Interpolate(ReadOnlySpan<T> source, Span<T> into, Axis<T> columns)
        {
            for (int ox = 0; ox < into.Length; ox++)
                into[ox] = source[columns.First[ox]] * columns.FirstWeight[ox] + source[columns.Second[ox]] * columns.SecondWeight[ox];
        }

        private static void Blend(ReadOnlySpan<T> first, T a, ReadOnlySpan<T> second, T b, Span<T> into)
        {
            int i = 0;
            if (Vector.IsHardwareAccelerated && into.Length >= Vector<T>.Count)
            {
                var va = new Vector<T>(a);
                var vb = new Vector<T>(b);
                for (; i <= into.Length - Vector<T>.Count; i += Vector<T>.Count)
                    (new Vector<T>(first[i..]) * va + new Vector<T>(second[i..]) * vb).CopyTo(into[i..]);
            }
            for (; i < into.Length; i++) into[i] = first[i] * a + second[i] * b;
        }

        private static void AddScaled(Span<T> into, ReadOnlySpan<T> row, T weight)
        {
            if (weight == T.Zero) return;
            int i = 0;
            if (Vector.IsHardwareAccelerated && into.Length >= Vector<T>.Count)
            {
                var vw = new Vector<T>(weight);
                for (; i <= into.Length - Vector<T>.Count; i += Vector<T>.Count)
                    (new Vector<T>(into[i..]) + new Vector<T>(row[i..]) * vw).CopyTo(into[i..]);
            }
            for (; i < into.Length; i++) into[i] += row[i] * weight;
        }

        /// <summary>A per-thread buffer from the shared pool.</summary>
        private sealed class Scratch(int length) : IDisposable
        {
            public T[] Buffer { get; } = ArrayPool<T>.Shared.Rent(length);

            public void Dispose() => ArrayPool<T>.Shared.Return(Buffer);
        }
    }
}
