using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// The fused CPU path of <see cref="MetricWeightedCrossEntropy"/>: one pass over the logits yields the counts, the per-position
/// log-sum-exp and the per-class cross-entropy sums; the loss follows from the weights without touching the logits again, and
/// the backward pass writes the gradient in one more pass (a custom autograd function).
/// </summary>
/// <remarks>
/// Used for contiguous-or-not CPU float32/float64 logits (a non-contiguous input is copied once). Same results as the
/// libtorch-op path: the same counts (first arg-max of the logits, which is the first arg-max of their log-softmax), the same
/// count layout for a <c>count_reducer</c>, losses and gradients equal within float rounding.
/// </remarks>
internal static unsafe class FusedMetricCrossEntropy
{
    /// <summary>Whether the fused path can take this input: CPU, float32 or float64, non-empty, addressable as one span.</summary>
    public static bool Supports(Tensor input, Tensor target) =>
        input.dim() >= 2 && input.device_type == DeviceType.CPU && input.dtype is ScalarType.Float32 or ScalarType.Float64
        && input.numel() > 0 && input.numel() * input.ElementSize <= int.MaxValue && target.numel() * sizeof(long) <= int.MaxValue;

    /// <summary>The result of the counting pass; its tensors belong to the caller's dispose scope.</summary>
    internal sealed class Pass
    {
        public required Tensor Logits { get; init; }
        public required Tensor Target { get; init; }
        public required Tensor Lse { get; init; }
        public required FusedKernel.Layout Layout { get; init; }
        public required FusedKernel.Totals Totals { get; init; }

        /// <summary>[N,C] inputs that need a gradient: the softmax, kept by the counting pass for the backward pass.</summary>
        public Tensor? Probabilities { get; init; }

        /// <summary>The out-of-range target the op path would report (its min/max rule), or null.</summary>
        public long? BadTarget
        {
            get
            {
                var t = Totals;
                if (t.MinTarget > t.MaxTarget) return null; // no valid position
                long min = t.AnyIgnored ? Math.Min(t.MinTarget, 0) : t.MinTarget;
                long max = t.AnyIgnored ? Math.Max(t.MaxTarget, 0) : t.MaxTarget;
                if (min < 0 || min >= Layout.C) return min;
                if (max < 0 || max >= Layout.C) return max;
                return null;
            }
        }

        /// <summary>Flat int64 counts in <see cref="BatchConfusionCounts"/>' layout: [2c] TP, [2c+1] FN, then predictions per class.</summary>
        public Tensor Counts()
        {
            long c = Layout.C;
            var t = Totals;
            var flat = new long[(t.Predicted is null ? 2 : 3) * c];
            for (long k = 0; k < c; k++)
            {
                flat[2 * k] = t.Tp[k];
                flat[2 * k + 1] = t.Fn[k];
            }
            t.Predicted?.CopyTo(flat, 2 * c);
            return tensor(flat, dtype: ScalarType.Int64);
        }
    }

    /// <summary>
    /// Pass 1 over the logits (no autograd): counts, log-sum-exp, cross-entropy sums and the target range; for [N,C] input
    /// that requires a gradient also the softmax, which makes the backward pass a multiplication (the classification rows are
    /// short, so recomputing exp there cost as much as the whole cross-entropy backward; the memory equals the log-softmax
    /// that cross_entropy keeps).
    /// </summary>
    public static Pass Count(Tensor input, Tensor target, long ignore_index, bool with_predictions)
    {
        bool keepProbabilities = input.dim() == 2 && input.requires_grad && is_grad_enabled();
        using var _ = no_grad();
        var x = input.detach().contiguous();
        var t = target.contiguous();
        long n = x.shape[0], c = x.shape[1], s = x.numel() / (n * c);
        var lse = empty(n * s, dtype: x.dtype);
        var layout = new FusedKernel.Layout(n, c, s, ignore_index);
        var probabilities = keepProbabilities ? empty_like(x) : null;
        int threads = Threads();
        var totals = x.dtype == ScalarType.Float32
            ? FusedKernel.Forward(Pointer<float>(x), Pointer<long>(t), Pointer<float>(lse), layout, with_predictions, threads, OrNull<float>(probabilities))
            : FusedKernel.Forward(Pointer<double>(x), Pointer<long>(t), Pointer<double>(lse), layout, with_predictions, threads, OrNull<double>(probabilities));
        return new Pass { Logits = x, Target = t, Lse = lse, Layout = layout, Totals = totals, Probabilities = probabilities };
    }

    /// <summary>
    /// The loss from the counting pass and the class weights: Σ w_c·CE-sum_c (÷ <paramref name="denominator"/> for Mean), or
    /// per position for None; differentiable with respect to <paramref name="input"/> when autograd records it.
    /// </summary>
    public static Tensor Loss(Tensor input, Pass pass, double[] weight, double denominator, nn.Reduction reduction)
    {
        var state = new State(pass.Layout, weight, reduction == nn.Reduction.Mean ? denominator : 1, reduction, input.dtype);
        if (input.requires_grad && is_grad_enabled())
        {
            // Through a same-shape view: its backward hands on a fresh view of the gradient that nothing else references,
            // so a leaf input adopts it as .grad instead of copying it (the managed handle of the tensor returned by a
            // TorchSharp custom function keeps a second reference to it until finalisation).
            using var view = input.view(input.shape);
            return Function.apply(view, new Arguments(pass, state));
        }
        using var _ = no_grad();
        return Output(pass, state);
    }

    /// <summary>What the backward pass needs besides the saved tensors.</summary>
    private sealed record State(FusedKernel.Layout Layout, double[] Weight, double Denominator, nn.Reduction Reduction, ScalarType DType)
    {
        public double[] Coefficient => Weight.Select(w => w / Denominator).ToArray();
    }

    /// <summary>Passed through <c>apply</c> as one non-tensor argument, so that only the logits are an autograd input.</summary>
    private sealed record Arguments(Pass Pass, State State);

    private static Tensor Output(Pass pass, State state)
    {
        if (state.Reduction == nn.Reduction.None)
        {
            var targetShape = pass.Logits.shape.Where((_, i) => i != 1).ToArray();
            var output = empty(targetShape, dtype: state.DType);
            if (state.DType == ScalarType.Float32)
                FusedKernel.PerPosition(Pointer<float>(pass.Logits), Pointer<long>(pass.Target), Pointer<float>(pass.Lse), Pointer<float>(output), pass.Layout, state.Weight);
            else
                FusedKernel.PerPosition(Pointer<double>(pass.Logits), Pointer<long>(pass.Target), Pointer<double>(pass.Lse), Pointer<double>(output), pass.Layout, state.Weight);
            return output;
        }
        double sum = 0;
        var nll = pass.Totals.NllSum;
        for (int c = 0; c < nll.Length; c++)
            if (state.Weight[c] != 0) sum += state.Weight[c] * nll[c];
        return tensor(sum / state.Denominator, dtype: state.DType);
    }

    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(MetricWeightedCrossEntropy) + "Backward";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (pass, state) = (Arguments)vars[1];
            // With the softmax kept, it stands in the logits' place (the backward pass then reads only it).
            ctx.save_for_backward([pass.Probabilities ?? pass.Logits, pass.Target, pass.Lse]);
            ctx.save_data(nameof(Pass.Probabilities), pass.Probabilities is not null);
            ctx.save_data(nameof(State), state);
            return Output(pass, state);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var state = (State)ctx.get_data(nameof(State));
            var saved = ctx.get_saved_variables();
            bool fromProbabilities = (bool)ctx.get_data(nameof(Pass.Probabilities));
            using var x = saved[0];
            using var target = saved[1];
            using var lse = saved[2];
            var grad = empty_like(x);
            bool perPosition = state.Reduction == nn.Reduction.None;
            using var g = perPosition ? grad_output.to_type(state.DType).contiguous() : null;
            double scalar = perPosition ? 1 : grad_output.to_type(ScalarType.Float64).item<double>();
            var coefficient = state.Coefficient;
            int threads = Threads();
            if (state.DType == ScalarType.Float32)
                FusedKernel.Backward(Pointer<float>(x), Pointer<long>(target), Pointer<float>(lse), Pointer<float>(grad), state.Layout,
                    coefficient, scalar, g is null ? null : Pointer<float>(g), threads, fromProbabilities ? Pointer<float>(x) : null);
            else
                FusedKernel.Backward(Pointer<double>(x), Pointer<long>(target), Pointer<double>(lse), Pointer<double>(grad), state.Layout,
                    coefficient, scalar, g is null ? null : Pointer<double>(g), threads, fromProbabilities ? Pointer<double>(x) : null);
            return [grad, null!]; // one entry per apply argument; the non-tensor one gets none
        }
    }

    /// <summary>A [C] tensor as a float64 array, copied in one block.</summary>
    public static double[] ToDoubles(Tensor values)
    {
        using var flat = values.detach().to_type(ScalarType.Float64).cpu().contiguous();
        return new ReadOnlySpan<double>(Pointer<double>(flat), checked((int)flat.numel())).ToArray();
    }

    private static int Threads() => Math.Max(1, torch.get_num_threads());

    private static T* OrNull<T>(Tensor? t) where T : unmanaged, INumberBase<T> => t is null ? null : Pointer<T>(t);

    /// <summary>The data of a contiguous CPU tensor (libtorch memory: no pinning needed while the tensor is alive).</summary>
    private static T* Pointer<T>(Tensor t) where T : unmanaged, INumberBase<T> =>
        (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));
}
