using System.Numerics;
using RecallKit.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>
/// 2-d max pooling of [N,C,H,W] maps as <see cref="MaxPool2d"/> computes it (dilation 1, floor mode), and its gradient,
/// computed separably on the CPU.
/// </summary>
/// <remarks>
/// libtorch 2.10's CPU kernel scans the k×k window of every output position (18–22 ms for the ResNet stem's 3×3, stride-2
/// pooling of [2,64,128,256] on 2 threads). Here every input row is reduced along the width once, then the rows of each
/// window are compared: same values, and the gradient goes to the same input positions, because both follow libtorch's rule
/// in the window's row-major order — the first maximum wins a tie, a NaN wins over any number (the last NaN among several).
/// Planes (N·C) run on libtorch's OpenMP threads. Other devices, dtypes and pooling configurations use libtorch's operator.
/// The backward is not itself differentiable (a second-order gradient needs libtorch's operator).
/// </remarks>
public static class MaxPool
{
    /// <summary>The input max-pooled as <paramref name="pool"/> configures it.</summary>
    /// <param name="input">[N,C,H,W].</param>
    /// <param name="pool">The pooling module: its kernel size, stride, padding, dilation and ceil mode.</param>
    public static Tensor Pool(Tensor input, MaxPool2d pool)
    {
        var window = Window.Of(pool);
        if (window is null || !Supports(input, window)) return pool.call(input);
        if (input.requires_grad && is_grad_enabled()) return Function.apply(input, window);
        using var _ = no_grad();
        return Forward(input, window, keepIndices: false).output;
    }

    /// <summary>Kernel, stride and padding per axis (height, width).</summary>
    internal sealed record Window(long KernelHeight, long KernelWidth, long StrideHeight, long StrideWidth, long PadHeight, long PadWidth)
    {
        /// <summary>The window of <paramref name="pool"/>, or null when the CPU kernel does not take it (dilation, ceil mode).</summary>
        public static Window? Of(MaxPool2d pool)
        {
            var kernel = Pair(pool.kernel_size);
            var stride = pool.stride is null ? kernel : Pair(pool.stride);
            var padding = pool.padding is null ? [0, 0] : Pair(pool.padding);
            var dilation = pool.dilation is null ? [1, 1] : Pair(pool.dilation);
            if (kernel is null || stride is null || padding is null || dilation is null) return null;
            if (pool.ceil_mode || dilation[0] != 1 || dilation[1] != 1) return null;
            return new Window(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1]);
        }

        private static long[]? Pair(long[] values) => values.Length switch { 1 => [values[0], values[0]], 2 => values, _ => null };

        public long OutputHeight(long height) => (height + 2 * PadHeight - KernelHeight) / StrideHeight + 1;

        public long OutputWidth(long width) => (width + 2 * PadWidth - KernelWidth) / StrideWidth + 1;
    }

    /// <summary>
    /// Whether the CPU kernel takes this case: a non-empty 4-d float32/float64 CPU tensor, a valid window with at least one
    /// output position (libtorch reports the invalid ones, including an input smaller than the kernel), planes addressable
    /// by int.
    /// </summary>
    internal static bool Supports(Tensor input, Window window) =>
        input.device_type == DeviceType.CPU && input.dtype is ScalarType.Float32 or ScalarType.Float64 && input.dim() == 4
        && input.numel() > 0 && window.KernelHeight > 0 && window.KernelWidth > 0 && window.StrideHeight > 0 && window.StrideWidth > 0
        && window.PadHeight >= 0 && window.PadWidth >= 0 && 2 * window.PadHeight <= window.KernelHeight && 2 * window.PadWidth <= window.KernelWidth
        && input.shape[2] + 2 * window.PadHeight >= window.KernelHeight && input.shape[3] + 2 * window.PadWidth >= window.KernelWidth
        && input.shape[3] <= MaxWidth && input.shape[2] * input.shape[3] <= int.MaxValue && input.numel() * input.ElementSize <= int.MaxValue;

    /// <summary>Widest row the kernel takes (its per-thread scratch holds a few rows' worth of column maxima).</summary>
    private const long MaxWidth = 1L << 20;

    private static (Tensor output, Tensor? indices) Forward(Tensor input, Window window, bool keepIndices)
    {
        using var x = input.contiguous();
        long[] outputShape = [x.shape[0], x.shape[1], window.OutputHeight(x.shape[2]), window.OutputWidth(x.shape[3])];
        var output = empty(outputShape, dtype: x.dtype, device: x.device);
        var indices = keepIndices ? empty(outputShape, dtype: ScalarType.Int32, device: x.device) : null;
        if (x.dtype == ScalarType.Float32) Kernel<float>.Forward(x, output, indices, window);
        else Kernel<double>.Forward(x, output, indices, window);
        return (output, indices);
    }

    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(MaxPool) + "Backward";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            var (output, indices) = Forward(input, (Window)vars[1], keepIndices: true);
            ctx.save_for_backward([indices!]);
            ctx.save_data("shape", input.shape);
            return output;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var shape = (long[])ctx.get_data("shape");
            using var indices = ctx.get_saved_variables()[0];
            using var g = grad_output.contiguous();
            var grad = zeros(shape, dtype: g.dtype, device: g.device);
            if (g.dtype == ScalarType.Float32) Kernel<float>.Backward(g, indices, grad);
            else Kernel<double>.Backward(g, indices, grad);
            return [grad, null!]; // one entry per apply argument; the window gets none
        }
    }

    private static unsafe class Kernel<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static void Forward(Tensor x, Tensor output, Tensor? indices, Window window)
        {
            int h = (int)x.shape[2], w = (int)x.shape[3], oh = (int)output.shape[2], ow = (int)output.shape[3];
            var columns = Spans.Of(w, ow, window.KernelWidth, window.StrideWidth, window.PadWidth);
            var rows = Spans.Of(h, oh, window.KernelHeight, window.StrideHeight, window.PadHeight);
            bool stem = window is { KernelWidth: 3, StrideWidth: 2, PadWidth: 1 } && Simd;
            nint source = (nint)TensorData.Pointer<T>(x), target = (nint)TensorData.Pointer<T>(output);
            nint where = indices is null ? 0 : (nint)TensorData.Pointer<int>(indices);
            TorchThreads.For(x.shape[0] * x.shape[1], TorchThreads.Count, () => new Columns(w + 2), (plane, scratch) =>
            {
                T* src = (T*)source + plane * h * w, dst = (T*)target + plane * oh * ow;
                int* at = where == 0 ? null : (int*)where + plane * oh * ow;
                for (int oy = 0; oy < oh; oy++)
                {
                    ReduceRows(src, w, rows.First[oy], rows.End[oy], scratch);
                    T* into = dst + (long)oy * ow;
                    int* argInto = at == null ? null : at + (long)oy * ow;
                    if (stem) ReduceStemColumns(scratch, w, ow, into, argInto);
                    else ReduceColumns(scratch, w, columns, into, argInto);
                }
            }, scratch => scratch.Dispose());
        }

        /// <summary>Vectors of T and of int have the same lane count (float32 with SIMD): the vectorised paths apply.</summary>
        private static bool Simd => Vector.IsHardwareAccelerated && Vector<T>.Count == Vector<int>.Count;

        /// <summary>
        /// Each column's maximum over rows [first, end) and its row, by libtorch's rule in row order: a larger value or a NaN
        /// replaces the one held, so the first maximum is kept and the last NaN wins.
        /// </summary>
        private static void ReduceRows(T* src, int w, int first, int end, Columns into)
        {
            T* max = (T*)into.Max;
            int* row = into.Row;
            int x = 0;
            if (Simd)
            {
                for (; x <= w - Vector<T>.Count; x += Vector<T>.Count)
                {
                    var best = *(Vector<T>*)(src + (long)first * w + x);
                    var bestRow = new Vector<int>(first);
                    for (int y = first + 1; y < end; y++)
                    {
                        var value = *(Vector<T>*)(src + (long)y * w + x);
                        var take = Vector.AsVectorInt32(Vector.GreaterThan(value, best) | ~Vector.Equals(value, value));
                        best = Vector.ConditionalSelect(Vector.As<int, T>(take), value, best);
                        bestRow = Vector.ConditionalSelect(take, new Vector<int>(y), bestRow);
                    }
                    *(Vector<T>*)(max + x) = best;
                    *(Vector<int>*)(row + x) = bestRow;
                }
            }
            for (; x < w; x++)
            {
                T best = src[(long)first * w + x];
                int bestRow = first;
                for (int y = first + 1; y < end; y++)
                {
                    T value = src[(long)y * w + x];
                    if (value > best || T.IsNaN(value)) { best = value; bestRow = y; }
                }
                max[x] = best;
                row[x] = bestRow;
            }
        }

        /// <summary>
        /// Each output column's maximum over its span of column maxima. Row-major order over the window means: among equal
        /// maxima the smallest (row, column) wins, among NaNs the largest.
        /// </summary>
        private static void ReduceColumns(Columns reduced, int w, Spans columns, T* into, int* argInto)
        {
            T* max = (T*)reduced.Max;
            int* row = reduced.Row;
            for (int ox = 0; ox < columns.First.Length; ox++)
            {
                int first = columns.First[ox], end = columns.End[ox];
                T best = max[first];
                int bestRow = row[first], bestColumn = first;
                for (int c = first + 1; c < end; c++)
                {
                    if (Takes(max[c], row[c], best, bestRow))
                    {
                        best = max[c];
                        bestRow = row[c];
                        bestColumn = c;
                    }
                }
                into[ox] = best;
                if (argInto != null) argInto[ox] = bestRow * w + bestColumn;
            }
        }

        /// <summary>Whether a later column's (value, row) replaces the held one under row-major order.</summary>
        private static bool Takes(T value, int row, T best, int bestRow) =>
            T.IsNaN(value) ? !T.IsNaN(best) || row >= bestRow : value > best || (value == best && row < bestRow);

        /// <summary>
        /// <see cref="ReduceColumns"/> for the ResNet stem's window along the width (3 wide, stride 2, padding 1), vectorised:
        /// output column o reads columns 2o − 1, 2o and 2o + 1, which are the odd columns shifted by one, the even columns and
        /// the odd columns — three contiguous runs once the column maxima are split by parity.
        /// </summary>
        private static void ReduceStemColumns(Columns reduced, int w, int ow, T* into, int* argInto)
        {
            T* max = (T*)reduced.Max;
            int* row = reduced.Row;
            // Split into evens E[o] = column 2o and odds O[o] = column 2o − 1 (O[0] and a missing last odd column are padding:
            // −∞ in row int.MaxValue, so they never win a comparison and lose every tie).
            T* even = (T*)reduced.Even, odd = (T*)reduced.Odd;
            int* evenRow = reduced.EvenRow, oddRow = reduced.OddRow;
            for (int o = 0; o <= ow; o++)
            {
                int e = 2 * o, d = 2 * o - 1;
                even[o] = e < w ? max[e] : T.NegativeInfinity;
                evenRow[o] = e < w ? row[e] : int.MaxValue;
                odd[o] = d >= 0 && d < w ? max[d] : T.NegativeInfinity;
                oddRow[o] = d >= 0 && d < w ? row[d] : int.MaxValue;
            }
            int x = 0;
            var step = new Vector<int>(2 * Vector<int>.Count);
            var column = Vector<int>.Indices * 2; // 2o for the lanes of the first vector
            for (; x <= ow - Vector<T>.Count; x += Vector<T>.Count, column += step)
            {
                var best = *(Vector<T>*)(odd + x);
                var bestRow = *(Vector<int>*)(oddRow + x);
                var bestColumn = column - Vector<int>.One;
                Take(*(Vector<T>*)(even + x), *(Vector<int>*)(evenRow + x), column, ref best, ref bestRow, ref bestColumn);
                Take(*(Vector<T>*)(odd + x + 1), *(Vector<int>*)(oddRow + x + 1), column + Vector<int>.One, ref best, ref bestRow, ref bestColumn);
                *(Vector<T>*)(into + x) = best;
                if (argInto != null) *(Vector<int>*)(argInto + x) = bestRow * new Vector<int>(w) + bestColumn;
            }
            for (; x < ow; x++)
            {
                T best = odd[x];
                int bestRow = oddRow[x], bestColumn = 2 * x - 1;
                if (Takes(even[x], evenRow[x], best, bestRow)) { best = even[x]; bestRow = evenRow[x]; bestColumn = 2 * x; }
                if (Takes(odd[x + 1], oddRow[x + 1], best, bestRow)) { best = odd[x + 1]; bestRow = oddRow[x + 1]; bestColumn = 2 * x + 1; }
                into[x] = best;
                if (argInto != null) argInto[x] = bestRow * w + bestColumn;
            }
        }

        /// <summary><see cref="Takes"/> lane by lane.</summary>
        private static void Take(Vector<T> value, Vector<int> row, Vector<int> column, ref Vector<T> best, ref Vector<int> bestRow, ref Vector<int> bestColumn)
        {
            var valueNaN = ~Vector.AsVectorInt32(Vector.Equals(value, value));
            var bestNaN = ~Vector.AsVectorInt32(Vector.Equals(best, best));
            var greater = Vector.AsVectorInt32(Vector.GreaterThan(value, best));
            var tie = Vector.AsVectorInt32(Vector.Equals(value, best)) & Vector.LessThan(row, bestRow);
            var take = (valueNaN & (~bestNaN | Vector.GreaterThanOrEqual(row, bestRow))) | (~valueNaN & (greater | tie));
            best = Vector.ConditionalSelect(Vector.As<int, T>(take), value, best);
            bestRow = Vector.ConditionalSelect(take, row, bestRow);
            bestColumn = Vector.ConditionalSelect(take, column, bestColumn);
        }

        public static void Backward(Tensor gradOutput, Tensor indices, Tensor grad)
        {
            long planeIn = grad.shape[2] * grad.shape[3], planeOut = gradOutput.shape[2] * gradOutput.shape[3];
            nint source = (nint)TensorData.Pointer<T>(gradOutput), target = (nint)TensorData.Pointer<T>(grad);
            nint where = (nint)TensorData.Pointer<int>(indices);
            TorchThreads.For(grad.shape[0] * grad.shape[1], TorchThreads.Count, () => 0, (plane, _) =>
            {
                T* g = (T*)source + plane * planeOut, gin = (T*)target + plane * planeIn;
                int* at = (int*)where + plane * planeOut;
                for (long i = 0; i < planeOut; i++) gin[at[i]] += g[i];
            }, _ => { });
        }
    }

    /// <summary>Per output position along one axis: the first input position of its window and one past the last, clipped.</summary>
    private sealed class Spans
    {
        public required int[] First { get; init; }
        public required int[] End { get; init; }

        public static Spans Of(int input, int output, long kernel, long stride, long padding)
        {
            var first = new int[output];
            var end = new int[output];
            for (int o = 0; o < output; o++)
            {
                long start = o * stride - padding;
                first[o] = (int)Math.Max(start, 0);
                end[o] = (int)Math.Min(start + kernel, input);
            }
            return new Spans { First = first, End = end };
        }
    }

    /// <summary>A thread's column maxima of one window row band, and their split by parity, in native memory.</summary>
    private sealed unsafe class Columns : IDisposable
    {
        private readonly void* block;

        public Columns(int length)
        {
            // Max, Even, Odd: doubles (room for either dtype); Row, EvenRow, OddRow: ints.
            block = System.Runtime.InteropServices.NativeMemory.AlignedAlloc(checked((nuint)length * (3 * sizeof(double) + 3 * sizeof(int)) + 6 * 64), 64);
            byte* next = (byte*)block;
            Max = Carve(ref next, (long)length * sizeof(double));
            Even = Carve(ref next, (long)length * sizeof(double));
            Odd = Carve(ref next, (long)length * sizeof(double));
            Row = (int*)Carve(ref next, (long)length * sizeof(int));
            EvenRow = (int*)Carve(ref next, (long)length * sizeof(int));
            OddRow = (int*)Carve(ref next, (long)length * sizeof(int));
        }

        private static void* Carve(ref byte* next, long bytes)
        {
            void* part = next;
            next += (bytes + 63) / 64 * 64;
            return part;
        }

        public void* Max { get; }
        public void* Even { get; }
        public void* Odd { get; }
        public int* Row { get; }
        public int* EvenRow { get; }
        public int* OddRow { get; }

        public void Dispose() => System.Runtime.InteropServices.NativeMemory.AlignedFree(block);
    }
}
