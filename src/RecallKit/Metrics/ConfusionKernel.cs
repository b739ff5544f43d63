using System.Numerics;
using System.Runtime.CompilerServices;
using RecallKit.Runtime;
using static RecallKit.Runtime.TensorData;
using static TorchSharp.torch;

namespace RecallKit.Metrics;

/// <summary>
/// One pass over segmentation logits [N,C,S…] on the CPU: the arg-max over classes of every position (torch's rule: the first
/// maximum, a NaN counts as the maximum) added straight into the confusion counts, without the [N,S…] prediction tensor and
/// the masked copies <see cref="ConfusionMatrix.update"/> makes. Vectorised over the contiguous positions, parallel over blocks.
/// </summary>
internal static unsafe class ConfusionKernel
{
    private const long PositionBlock = 4096;

    /// <summary>Classes up to which the per-thread [C, C] counts stay small (larger C: arg-max, then the general update).</summary>
    public const int MaxClasses = 1024;

    /// <summary>Whether <see cref="Count"/> takes these inputs.</summary>
    public static bool Supports(Tensor logits, Tensor targets) =>
        logits.dim() > 2 && logits.device_type == TorchSharp.DeviceType.CPU && logits.dtype is ScalarType.Float32 or ScalarType.Float64
        && logits.shape[1] <= MaxClasses && targets.device_type == TorchSharp.DeviceType.CPU && targets.dtype == ScalarType.Int64
        && logits.numel() > 0;

    /// <summary>
    /// Adds hist[t, argmax] for every position whose target t is not <paramref name="ignore_index"/>. Returns a target outside
    /// [0, C) that is not ignored — the smallest if it is negative, else the largest, as <see cref="ConfusionMatrix.update"/>
    /// reports — or null when there is none: then, and only then, the counts were added.
    /// </summary>
    public static long? Count(Tensor logits, Tensor targets, long ignore_index, long[] hist, int threads)
    {
        using var x = logits.contiguous();
        using var t = targets.contiguous();
        long n = x.shape[0], c = x.shape[1], s = x.numel() / (n * c);
        return x.dtype == ScalarType.Float32
            ? Count(Pointer<float>(x), Pointer<long>(t), n, c, s, ignore_index, hist, threads)
            : Count(Pointer<double>(x), Pointer<long>(t), n, c, s, ignore_index, hist, threads);
    }

    private sealed class Local(long cells)
    {
        public readonly long[] Hist = new long[cells];
        public long Min = long.MaxValue, Max = long.MinValue;
    }

    private static long? Count<T>(T* x, long* target, long n, long c, long s, long ignore, long[] hist, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long blocks = (s + PositionBlock - 1) / PositionBlock, items = n * blocks;
        nint xa = (nint)x, ta = (nint)target;
        var total = new Local(c * c);
        var gate = new object();
        void Body(long item, Local local)
        {
            long row = item / blocks, begin = item % blocks * PositionBlock, end = Math.Min(s, begin + PositionBlock);
            Block((T*)xa + row * c * s, (long*)ta + row * s, c, s, begin, end, ignore, local);
        }
        void Merge(Local local)
        {
            lock (gate)
            {
                for (int i = 0; i < local.Hist.Length; i++) total.Hist[i] += local.Hist[i];
                total.Min = Math.Min(total.Min, local.Min);
                total.Max = Math.Max(total.Max, local.Max);
            }
        }
        TorchThreads.For(items, threads, () => new Local(c * c), Body, Merge);
        if (total.Min < 0) return total.Min;
        if (total.Max != long.MinValue && total.Max >= c) return total.Max;
        for (int i = 0; i < hist.Length; i++) hist[i] += total.Hist[i];
        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<T>(T* x, long* target, long c, long s, long begin, long end, long ignore, Local local)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count;
        T* arg = stackalloc T[w];
        long i = begin;
        for (; i + w <= end; i += w)
        {
            T* p = x + i;
            var m = Load(p);
            var a = Vector<T>.Zero;
            for (long k = 1; k < c; k++)
            {
                var v = Load(p + k * s);
                // torch.argmax: the first maximum; a NaN beats every number and the first NaN stays.
                var better = Vector.GreaterThan(v, m) | (~Vector.Equals(v, v) & Vector.Equals(m, m));
                m = Vector.ConditionalSelect(better, v, m);
                a = Vector.ConditionalSelect(better, new Vector<T>(T.CreateTruncating(k)), a);
            }
            Unsafe.WriteUnaligned(arg, a);
            for (int j = 0; j < w; j++) Add(local, target[i + j], long.CreateTruncating(arg[j]), c, ignore);
        }
        for (; i < end; i++)
        {
            T* p = x + i;
            T m = p[0];
            long a = 0;
            for (long k = 1; k < c; k++)
            {
                T v = p[k * s];
                if (v > m || (T.IsNaN(v) && !T.IsNaN(m)))
                {
                    m = v;
                    a = k;
                }
            }
            Add(local, target[i], a, c, ignore);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(Local local, long t, long predicted, long c, long ignore)
    {
        if (t == ignore) return;
        if (t < local.Min) local.Min = t;
        if (t > local.Max) local.Max = t;
        if ((ulong)t < (ulong)c) local.Hist[t * c + predicted]++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Load<T>(T* p) where T : unmanaged => Unsafe.ReadUnaligned<Vector<T>>(p);
}
