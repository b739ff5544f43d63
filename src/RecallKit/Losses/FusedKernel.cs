using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using RecallKit.Runtime;

namespace RecallKit.Losses;

/// <summary>
/// The CPU loops of the fused metric-weighted cross-entropy on contiguous logits viewed as [N,C,S]
/// (S = product of the spatial sizes, 1 for [N,C] classification).
/// </summary>
/// <remarks>
/// With S &gt; 1 the positions are contiguous for a fixed class, so the loops run over classes and vectorise over positions
/// (one <see cref="Vector{T}"/> of positions at a time); with S = 1 each row of C logits is contiguous and the loops vectorise over
/// classes. Work is split over (batch × position blocks) or blocks of rows, on at most <c>torch.get_num_threads()</c> of
/// libtorch's own threads (<see cref="TorchThreads"/>).
/// The loops are compiled fully optimised on first use: under tiered compilation they ran as unoptimised or on-stack-replaced
/// code for the whole of a benchmark (3–4× slower), because the runtime postpones re-compilation while new methods keep
/// being compiled, as they do around libtorch calls.
/// </remarks>
internal static unsafe class FusedKernel
{
    /// <summary>Positions per work item when S &gt; 1 (a multiple of every vector width).</summary>
    private const long PositionBlock = 4096;

    /// <summary>Logits per work item when S = 1 (rows are grouped up to about this many elements).</summary>
    private const long RowBlockElements = 32768;

    /// <summary>Per-class sums of one pass, merged over threads.</summary>
    /// <remarks>
    /// The arrays are rented from the shared pool (they may be longer than <see cref="Classes"/>) and go back on
    /// <see cref="Dispose"/>: with C in the thousands a fresh set per call and per thread was most of a call's managed
    /// allocation, and the garbage collections it caused cost more than the kernel.
    /// </remarks>
    internal sealed class Totals : IDisposable
    {
        public Totals(long classes, bool with_predictions)
        {
            Classes = checked((int)classes);
            Tp = Rent<long>(Classes);
            Fn = Rent<long>(Classes);
            Predicted = with_predictions ? Rent<long>(Classes) : null;
            NllSum = Rent<double>(Classes);
        }

        public readonly int Classes;

        public readonly long[] Tp;
        public readonly long[] Fn;
        public readonly long[]? Predicted;

        /// <summary>Σ over valid positions of target c of −log p_c (the unweighted cross-entropy).</summary>
        public readonly double[] NllSum;

        /// <summary>Smallest and largest target among the non-ignored positions.</summary>
        public long MinTarget = long.MaxValue, MaxTarget = long.MinValue;

        public bool AnyIgnored;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Merge(Totals other)
        {
            for (int c = 0; c < Classes; c++)
            {
                Tp[c] += other.Tp[c];
                Fn[c] += other.Fn[c];
                NllSum[c] += other.NllSum[c];
            }
            if (Predicted is not null)
                for (int c = 0; c < Classes; c++) Predicted[c] += other.Predicted![c];
            MinTarget = Math.Min(MinTarget, other.MinTarget);
            MaxTarget = Math.Max(MaxTarget, other.MaxTarget);
            AnyIgnored |= other.AnyIgnored;
        }

        public void Dispose()
        {
            ArrayPool<long>.Shared.Return(Tp);
            ArrayPool<long>.Shared.Return(Fn);
            if (Predicted is not null) ArrayPool<long>.Shared.Return(Predicted);
            ArrayPool<double>.Shared.Return(NllSum);
        }

        private static T[] Rent<T>(int length)
        {
            var array = ArrayPool<T>.Shared.Rent(length);
            Array.Clear(array, 0, length);
            return array;
        }
    }

    /// <summary>Shape and ignore value shared by the passes.</summary>
    internal readonly record struct Layout(long N, long C, long S, long Ignore);

    /// <summary>
    /// Pass 1: per position the row maximum, the first arg-max, the log-sum-exp (written to <paramref name="lse"/>) and the
    /// target's −log p; per class TP / FN / predictions and Σ −log p. Targets outside [0,C) that are not ignored are left
    /// out and show in <see cref="Totals.MinTarget"/> / <see cref="Totals.MaxTarget"/>. With S = 1 and a non-null
    /// <paramref name="probabilities"/> the softmax is kept for the backward pass, which then needs no exp: exp(x − max) there
    /// and 1 / Σ exp(x − max) per row in <paramref name="row_scale"/> (normalising in the backward pass saves a pass).
    /// </summary>
    public static Totals Forward<T>(T* x, long* target, T* lse, Layout layout, bool with_predictions, int threads, T* probabilities = null,
        T* row_scale = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (probabilities is not null && layout.S != 1) throw new ArgumentException("the softmax is kept for S = 1 only", nameof(probabilities));
        if ((probabilities is null) != (row_scale is null)) throw new ArgumentException("the softmax is kept with its row scale", nameof(row_scale));
        var (n, c, s, _) = layout;
        var total = new Totals(c, with_predictions);
        long items = WorkItems(layout, out long perItem);
        // Pointers cannot be captured by lambdas; carry them as addresses.
        nint xa = (nint)x, ta = (nint)target, la = (nint)lse, pa = (nint)probabilities, ra = (nint)row_scale;
        if (s == 1)
        {
            // Rows: the threads write each row's arg-max, and the counts are taken here, once per row, so that no thread
            // needs per-class arrays of its own (C is large where S = 1).
            var predicted = ArrayPool<long>.Shared.Rent(checked((int)n));
            try
            {
                fixed (long* arg = predicted)
                {
                    nint aa = (nint)arg;
                    TorchThreads.For<object?>(items, threads, () => null,
                        (item, _) => ForwardRows((T*)xa, (T*)la, (T*)pa, (T*)ra, (long*)aa, layout, item * perItem, Math.Min(n, (item + 1) * perItem)),
                        _ => { });
                    for (long row = 0; row < n; row++)
                    {
                        long t = target[row];
                        if (Valid(total, t, layout)) Record(total, t, arg[row], lse[row], x[row * c + t]);
                    }
                }
            }
            finally
            {
                ArrayPool<long>.Shared.Return(predicted);
            }
            return total;
        }
        TorchThreads.For(items, threads,
            () => new Totals(c, with_predictions),
            (item, local) =>
            {
                long blocks = (s + perItem - 1) / perItem, b = item % blocks, row = item / blocks;
                ForwardPositions((T*)xa, (long*)ta, (T*)la, layout, row, b * perItem, Math.Min(s, (b + 1) * perItem), local);
            },
            local =>
            {
                total.Merge(local);
                local.Dispose();
            });
        return total;
    }

    /// <summary>
    /// Backward: grad = scale_i · (softmax − onehot(y_i)) with scale_i = g_i · weight[y_i] / denominator (g a scalar, or per position
    /// when <paramref name="grad_per_position"/> is set), 0 at ignored positions. With <paramref name="probabilities"/> (the
    /// exp(x − max) and <paramref name="row_scale"/> kept by <see cref="Forward{T}"/>, S = 1) the softmax is read instead of
    /// recomputed from the logits and lse.
    /// </summary>
    public static void Backward<T>(T* x, long* target, T* lse, T* grad, Layout layout, ReadOnlySpan<double> weight, double denominator, double grad_scalar,
        T* grad_per_position, int threads, T* probabilities = null, T* row_scale = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if ((probabilities is null) != (row_scale is null)) throw new ArgumentException("the softmax is read with its row scale", nameof(row_scale));
        var (n, c, s, _) = layout;
        long items = WorkItems(layout, out long perItem);
        var k = ArrayPool<T>.Shared.Rent(checked((int)c));
        try
        {
            for (int q = 0; q < c; q++) k[q] = T.CreateChecked(weight[q] / denominator * grad_scalar);
            nint xa = (nint)x, ta = (nint)target, la = (nint)lse, ga = (nint)grad, pa = (nint)grad_per_position, sa = (nint)probabilities, ra = (nint)row_scale;
            TorchThreads.For<object?>(items, threads, () => null,
                (item, _) =>
                {
                    if (s == 1) BackwardRows((T*)xa, (T*)sa, (T*)ra, (long*)ta, (T*)la, (T*)ga, layout, k, (T*)pa, item * perItem, Math.Min(n, (item + 1) * perItem));
                    else
                    {
                        long blocks = (s + perItem - 1) / perItem, b = item % blocks, row = item / blocks;
                        BackwardPositions((T*)xa, (long*)ta, (T*)la, (T*)ga, layout, k, (T*)pa, row, b * perItem, Math.Min(s, (b + 1) * perItem));
                    }
                },
                _ => { });
        }
        finally
        {
            ArrayPool<T>.Shared.Return(k);
        }
    }

    /// <summary>Per-position loss w_{y}·(lse − x_y) for <c>Reduction.None</c>, 0 at ignored positions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PerPosition<T>(T* x, long* target, T* lse, T* output, Layout layout, double* weight)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (n, c, s, ignore) = layout;
        for (long row = 0; row < n; row++)
            for (long i = 0; i < s; i++)
            {
                long p = row * s + i, t = target[p];
                output[p] = t == ignore ? T.Zero : T.CreateChecked(weight[t]) * (lse[p] - x[(row * c + t) * s + i]);
            }
    }

    private static long WorkItems(Layout layout, out long per_item)
    {
        var (n, c, s, _) = layout;
        if (s == 1)
        {
            per_item = Math.Max(1, RowBlockElements / Math.Max(1, c));
            return (n + per_item - 1) / per_item;
        }
        per_item = PositionBlock;
        return n * ((s + per_item - 1) / per_item);
    }

    /// <summary>Records one valid position: counts and −log p of its target.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Record<T>(Totals totals, long t, long predicted, T lse, T target_logit) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool wrong;
        if (T.IsNaN(lse))
        {
            // A row whose log-softmax is NaN: as the op path, torch's arg-max of an all-NaN row is class 0, and the
            // tie-exact recall test finds no class at the maximum (a miss).
            predicted = 0;
            wrong = totals.Predicted is null || t != 0;
        }
        else wrong = predicted != t;
        if (wrong) totals.Fn[t]++;
        else totals.Tp[t]++;
        if (totals.Predicted is not null) totals.Predicted[predicted]++;
        totals.NllSum[t] += double.CreateTruncating(lse - target_logit);
    }

    /// <summary>Target bookkeeping shared by the loops; returns whether the position is valid (not ignored, in range).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Valid(Totals totals, long t, in Layout layout)
    {
        if (t == layout.Ignore)
        {
            totals.AnyIgnored = true;
            return false;
        }
        if (t < totals.MinTarget) totals.MinTarget = t;
        if (t > totals.MaxTarget) totals.MaxTarget = t;
        return (ulong)t < (ulong)layout.C;
    }

    // ---------------------------------------------------------------- S > 1: vectorised over positions

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardPositions<T>(T* x, long* target, T* lse, in Layout layout, long row, long begin, long end, Totals totals)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long c = layout.C, s = layout.S;
        int w = Vector<T>.Count;
        T* rowX = x + row * c * s;
        long* rowT = target + row * s;
        T* rowL = lse + row * s;
        T* arg = stackalloc T[w];
        long i = begin;
        for (; i + w <= end; i += w)
        {
            T* p = rowX + i;
            var m = Load(p);
            var a = Vector<T>.Zero;
            for (long k = 1; k < c; k++)
            {
                var v = Load(p + k * s);
                var greater = Vector.GreaterThan(v, m); // strict: the first maximal class keeps a tie
                m = Vector.ConditionalSelect(greater, v, m);
                a = Vector.ConditionalSelect(greater, new Vector<T>(T.CreateTruncating(k)), a);
            }
            var z = Vector<T>.Zero;
            for (long k = 0; k < c; k++) z += VectorMath.Exp(Load(p + k * s) - m);
            Store(rowL + i, m + VectorMath.Log(z));
            Store(arg, a);
            for (int j = 0; j < w; j++)
            {
                T l = rowL[i + j];
                long t = rowT[i + j];
                if (Valid(totals, t, layout)) Record(totals, t, long.CreateTruncating(arg[j]), l, p[t * s + j]);
            }
        }
        for (; i < end; i++)
        {
            T* p = rowX + i;
            T m = p[0];
            long a = 0;
            for (long k = 1; k < c; k++)
                if (p[k * s] > m)
                {
                    m = p[k * s];
                    a = k;
                }
            T z = T.Zero;
            for (long k = 0; k < c; k++) z += T.Exp(p[k * s] - m);
            T l = m + T.Log(z);
            rowL[i] = l;
            long t = rowT[i];
            if (Valid(totals, t, layout)) Record(totals, t, a, l, p[t * s]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardPositions<T>(T* x, long* target, T* lse, T* grad, in Layout layout, T[] k, T* per_position, long row,
        long begin, long end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long c = layout.C, s = layout.S, ignore = layout.Ignore;
        int w = Vector<T>.Count;
        T* rowX = x + row * c * s;
        T* rowG = grad + row * c * s;
        long* rowT = target + row * s;
        T* rowL = lse + row * s;
        T* rowP = per_position is null ? null : per_position + row * s;
        T* scale = stackalloc T[w];
        long i = begin;
        for (; i < end; i += w)
        {
            int lanes = (int)Math.Min(w, end - i);
            bool any = false;
            for (int j = 0; j < lanes; j++)
            {
                long t = rowT[i + j];
                T f = t == ignore ? T.Zero : rowP is null ? k[t] : k[t] * rowP[i + j];
                scale[j] = f;
                any |= f != T.Zero;
            }
            if (lanes == w)
            {
                T* p = rowX + i, g = rowG + i;
                if (!any)
                {
                    for (long q = 0; q < c; q++) Store(g + q * s, Vector<T>.Zero);
                    continue;
                }
                var f = Load(scale);
                var zero = Vector.Equals(f, Vector<T>.Zero);
                var l = Load(rowL + i);
                for (long q = 0; q < c; q++)
                    Store(g + q * s, Vector.ConditionalSelect(zero, Vector<T>.Zero, VectorMath.Exp(Load(p + q * s) - l) * f));
            }
            else
            {
                for (int j = 0; j < lanes; j++)
                {
                    T* p = rowX + i + j, g = rowG + i + j;
                    T f = scale[j], l = rowL[i + j];
                    for (long q = 0; q < c; q++) g[q * s] = f == T.Zero ? T.Zero : T.Exp(p[q * s] - l) * f;
                }
            }
            for (int j = 0; j < lanes; j++)
                if (scale[j] != T.Zero) rowG[rowT[i + j] * s + i + j] -= scale[j];
        }
    }

    // ---------------------------------------------------------------- S = 1: vectorised over classes

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardRows<T>(T* x, T* lse, T* probabilities, T* row_scale, long* predicted, in Layout layout, long begin, long end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long c = layout.C;
        int w = Vector<T>.Count;
        for (long row = begin; row < end; row++)
        {
            T* p = x + row * c;
            // Row maximum (NaN never wins a strict comparison; a NaN row gets a NaN log-sum-exp below).
            // Four independent running maxima, so that the loop is not bound by the latency of compare-and-select.
            T m = T.NegativeInfinity;
            long k = 0;
            var m0 = new Vector<T>(m);
            var m1 = m0;
            var m2 = m0;
            var m3 = m0;
            for (; k + 4 * w <= c; k += 4 * w)
            {
                var v0 = Load(p + k);
                var v1 = Load(p + k + w);
                var v2 = Load(p + k + 2 * w);
                var v3 = Load(p + k + 3 * w);
                m0 = Vector.ConditionalSelect(Vector.GreaterThan(v0, m0), v0, m0);
                m1 = Vector.ConditionalSelect(Vector.GreaterThan(v1, m1), v1, m1);
                m2 = Vector.ConditionalSelect(Vector.GreaterThan(v2, m2), v2, m2);
                m3 = Vector.ConditionalSelect(Vector.GreaterThan(v3, m3), v3, m3);
            }
            for (; k + w <= c; k += w)
            {
                var v = Load(p + k);
                m0 = Vector.ConditionalSelect(Vector.GreaterThan(v, m0), v, m0);
            }
            m0 = Vector.ConditionalSelect(Vector.GreaterThan(m1, m0), m1, m0);
            m2 = Vector.ConditionalSelect(Vector.GreaterThan(m3, m2), m3, m2);
            m0 = Vector.ConditionalSelect(Vector.GreaterThan(m2, m0), m2, m0);
            for (int j = 0; j < w; j++)
                if (m0[j] > m) m = m0[j];
            for (; k < c; k++)
                if (p[k] > m) m = p[k];
            // First class at the maximum.
            long a = 0;
            k = 0;
            var mv = new Vector<T>(m);
            bool found = false;
            for (; k + w <= c && !found; k += w)
            {
                var eq = Vector.Equals(Load(p + k), mv);
                if (eq != Vector<T>.Zero)
                {
                    for (int j = 0; j < w; j++)
                        if (p[k + j] == m)
                        {
                            a = k + j;
                            break;
                        }
                    found = true;
                }
            }
            if (!found)
                for (; k < c; k++)
                    if (p[k] == m)
                    {
                        a = k;
                        break;
                    }
            // Σ exp(x − max), keeping exp(x − max) when the softmax is wanted.
            var z = Vector<T>.Zero;
            T sum;
            if (probabilities is null)
            {
                for (k = 0; k + w <= c; k += w) z += VectorMath.Exp(Load(p + k) - mv);
                sum = Vector.Sum(z);
                for (; k < c; k++) sum += T.Exp(p[k] - m);
            }
            else
            {
                T* e = probabilities + row * c;
                k = 0;
                sum = T.Zero;
                if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated)
                    sum = T.CreateTruncating(ExpRow512((float*)p, float.CreateTruncating(m), (float*)e, c, out k));
                for (; k + w <= c; k += w)
                {
                    var v = VectorMath.Exp(Load(p + k) - mv);
                    Store(e + k, v);
                    z += v;
                }
                sum += Vector.Sum(z);
                for (; k < c; k++) sum += e[k] = T.Exp(p[k] - m);
                row_scale[row] = T.One / sum;
            }
            lse[row] = m + T.Log(sum);
            predicted[row] = a;
        }
    }

    /// <summary>
    /// exp(x − m) of a float row in 512-bit vectors (where the hardware has them: as many instructions for twice the
    /// elements), stored to <paramref name="e"/>; returns their sum and in <paramref name="done"/> how many were written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ExpRow512(float* p, float m, float* e, long c, out long done)
    {
        var mv = Vector512.Create(m);
        var z = Vector512<float>.Zero;
        long k = 0;
        for (; k + 16 <= c; k += 16)
        {
            var v = VectorMath.ExpNonPositive(Vector512.Load(p + k) - mv);
            v.Store(e + k);
            z += v;
        }
        done = k;
        return Vector512.Sum(z);
    }

    /// <summary>Rows of C logits: grad = f·(softmax − onehot), the softmax read from <paramref name="probabilities"/> · <paramref name="row_scale"/> when kept, else exp(x − lse).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardRows<T>(T* x, T* probabilities, T* row_scale, long* target, T* lse, T* grad, in Layout layout, T[] k, T* per_position,
        long begin, long end) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long c = layout.C, ignore = layout.Ignore;
        int w = Vector<T>.Count;
        for (long row = begin; row < end; row++)
        {
            T* g = grad + row * c;
            long t = target[row];
            T f = t == ignore ? T.Zero : per_position is null ? k[t] : k[t] * per_position[row];
            if (f == T.Zero)
            {
                new Span<T>(g, checked((int)c)).Clear();
                continue;
            }
            long q = 0;
            if (probabilities is not null)
            {
                T* e = probabilities + row * c;
                T fs = f * row_scale[row];
                var fsv = new Vector<T>(fs);
                for (; q + w <= c; q += w) Store(g + q, Load(e + q) * fsv);
                for (; q < c; q++) g[q] = e[q] * fs;
            }
            else
            {
                var fv = new Vector<T>(f);
                T* p = x + row * c;
                T l = lse[row];
                var lv = new Vector<T>(l);
                for (; q + w <= c; q += w) Store(g + q, VectorMath.Exp(Load(p + q) - lv) * fv);
                for (; q < c; q++) g[q] = T.Exp(p[q] - l) * f;
            }
            g[t] -= f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Load<T>(T* p) where T : unmanaged => Unsafe.ReadUnaligned<Vector<T>>(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(T* p, Vector<T> v) where T : unmanaged => Unsafe.WriteUnaligned(p, v);
}

/// <summary>Vectorised exp: a polynomial kernel for float32 (≈ 2 ulp for x ≤ 88), the runtime's <see cref="Vector.Exp(Vector{double})"/> for float64.</summary>
internal static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp<T>(Vector<T> x) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector.As<float, T>(Exp(Vector.As<T, float>(x)));
        if (typeof(T) == typeof(double)) return Vector.As<double, T>(Vector.Exp(Vector.As<T, double>(x)));
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>Natural logarithm (the runtime's vectorised one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log<T>(Vector<T> x) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return Vector.As<float, T>(Vector.Log(Vector.As<T, float>(x)));
        if (typeof(T) == typeof(double)) return Vector.As<double, T>(Vector.Log(Vector.As<T, double>(x)));
        throw new NotSupportedException(typeof(T).Name);
    }

    /// <summary>
    /// <see cref="Exp(Vector{float})"/> for arguments ≤ 0 (or NaN, which stays NaN), as x − max is: the same polynomial
    /// without the overflow handling.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpNonPositive(Vector512<float> x)
    {
        const float lo = -87.3365447504f;
        var clamped = Vector512.MaxNative(x, Vector512.Create(lo));
        var n = Vector512.Round(clamped * 1.44269504088896341f);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-0.693359375f), clamped);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(2.12194440e-4f), r);
        var y = Vector512.Create(1.9875691500e-4f);
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(1.3981999507e-3f));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(8.3334519073e-3f));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(4.1665795894e-2f));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(1.6666665459e-1f));
        y = Vector512.FusedMultiplyAdd(y, r, Vector512.Create(5.0000001201e-1f));
        y = Vector512.FusedMultiplyAdd(y, r * r, r) + Vector512<float>.One;
        var scale = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23).AsSingle();
        var result = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(lo)), Vector512<float>.Zero, y * scale);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), result, x);
    }

    /// <summary>exp(x) = 2ⁿ·exp(r), n = round(x·log₂e), r = x − n·ln 2 in two parts, exp(r) by the Cephes polynomial.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        // Arguments above 88 are clamped (exp(88) ≈ 1.65e38) and above ln(float.MaxValue) give +∞; the losses only take
        // exp of non-positive arguments. Below ln(float.MinNormal) the result is 0.
        const float hi = 88.0f, overflow = 88.7228391f, lo = -87.3365447504f;
        var clamped = Vector.MinNative(Vector.MaxNative(x, new Vector<float>(lo)), new Vector<float>(hi));
        var n = Vector.Round(clamped * 1.44269504088896341f);
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-0.693359375f), clamped);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(2.12194440e-4f), r);
        var y = new Vector<float>(1.9875691500e-4f);
        y = Vector.FusedMultiplyAdd(y, r, new Vector<float>(1.3981999507e-3f));
        y = Vector.FusedMultiplyAdd(y, r, new Vector<float>(8.3334519073e-3f));
        y = Vector.FusedMultiplyAdd(y, r, new Vector<float>(4.1665795894e-2f));
        y = Vector.FusedMultiplyAdd(y, r, new Vector<float>(1.6666665459e-1f));
        y = Vector.FusedMultiplyAdd(y, r, new Vector<float>(5.0000001201e-1f));
        y = Vector.FusedMultiplyAdd(y, r * r, r) + Vector<float>.One;
        var scale = Vector.As<int, float>(Vector.ShiftLeft(Vector.ConvertToInt32(n) + new Vector<int>(127), 23));
        var result = y * scale;
        result = Vector.ConditionalSelect(Vector.LessThan(x, new Vector<float>(lo)), Vector<float>.Zero, result);
        result = Vector.ConditionalSelect(Vector.GreaterThan(x, new Vector<float>(overflow)), new Vector<float>(float.PositiveInfinity), result);
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x); // NaN stays NaN
    }
}
