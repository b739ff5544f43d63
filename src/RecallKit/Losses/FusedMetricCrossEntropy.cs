using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RecallKit.Runtime;
using TorchSharp;
using static RecallKit.Runtime.TensorData;
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
    internal sealed class Pass : IDisposable
    {
        public required Tensor Logits { get; init; }
        public required Tensor Target { get; init; }
        public required Tensor Lse { get; init; }
        public required FusedKernel.Layout Layout { get; init; }
        public required FusedKernel.Totals Totals { get; init; }

        /// <summary>[N,C] inputs that need a gradient: the softmax, kept by the counting pass for the backward pass.</summary>
        public Tensor? Probabilities { get; init; }

        /// <summary>With <see cref="Probabilities"/> (which hold exp(x − max)): 1 / Σ exp(x − max) per row.</summary>
        public Tensor? RowScale { get; init; }

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
            if (t.Predicted is not null) Array.Copy(t.Predicted, 0, flat, 2 * c, c);
            return tensor(flat, dtype: ScalarType.Int64);
        }

        /// <summary>Returns the counts' pooled arrays; the tensors stay with their dispose scope.</summary>
        public void Dispose() => Totals.Dispose();
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
        var rowScale = keepProbabilities ? empty(n, dtype: x.dtype) : null;
        int threads = TorchThreads.Count;
        var totals = x.dtype == ScalarType.Float32
            ? FusedKernel.Forward(Pointer<float>(x), Pointer<long>(t), Pointer<float>(lse), layout, with_predictions, threads, OrNull<float>(probabilities), OrNull<float>(rowScale))
            : FusedKernel.Forward(Pointer<double>(x), Pointer<long>(t), Pointer<double>(lse), layout, with_predictions, threads, OrNull<double>(probabilities), OrNull<double>(rowScale));
        return new Pass { Logits = x, Target = t, Lse = lse, Layout = layout, Totals = totals, Probabilities = probabilities, RowScale = rowScale };
    }

    /// <summary>
    /// The loss from the counting pass and the class weights (a float64 CPU tensor [C]): Σ w_c·CE-sum_c (÷
    /// <paramref name="denominator"/> for Mean), or per position for None; differentiable with respect to
    /// <paramref name="input"/> when autograd records it.
    /// </summary>
    public static Tensor Loss(Tensor input, Pass pass, Tensor weight, double denominator, nn.Reduction reduction)
    {
        if (weight.dtype != ScalarType.Float64 || weight.device_type != DeviceType.CPU || !weight.is_contiguous() || weight.numel() != pass.Layout.C)
            throw new ArgumentException($"the weights must be a contiguous float64 CPU tensor [{pass.Layout.C}], got {weight.dtype} {InputValidation.Shape(weight)} on {weight.device}", nameof(weight));
        var state = new State(pass.Layout, reduction == nn.Reduction.Mean ? denominator : 1, reduction, input.dtype);
        if (input.requires_grad && is_grad_enabled())
        {
            // Through a same-shape view: its backward hands on a fresh view of the gradient that nothing else references,
            // so a leaf input adopts it as .grad instead of copying it (the managed handle of the tensor returned by a
            // TorchSharp custom function keeps a second reference to it until finalisation).
            using var view = input.view(input.shape);
            return Function.apply(view, new Arguments(pass, weight, state));
        }
        using var _ = no_grad();
        return Output(pass, weight, state);
    }

    /// <summary>What the backward pass needs besides the saved tensors.</summary>
    private sealed record State(FusedKernel.Layout Layout, double Denominator, nn.Reduction Reduction, ScalarType DType);

    /// <summary>Passed through <c>apply</c> as one non-tensor argument, so that only the logits are an autograd input.</summary>
    private sealed record Arguments(Pass Pass, Tensor Weight, State State);

    private static Tensor Output(Pass pass, Tensor weightTensor, State state)
    {
        var weight = Pointer<double>(weightTensor);
        if (state.Reduction == nn.Reduction.None)
        {
            var targetShape = pass.Logits.shape.Where((_, i) => i != 1).ToArray();
            var output = empty(targetShape, dtype: state.DType);
            if (state.DType == ScalarType.Float32)
                FusedKernel.PerPosition(Pointer<float>(pass.Logits), Pointer<long>(pass.Target), Pointer<float>(pass.Lse), Pointer<float>(output), pass.Layout, weight);
            else
                FusedKernel.PerPosition(Pointer<double>(pass.Logits), Pointer<long>(pass.Target), Pointer<double>(pass.Lse), Pointer<double>(output), pass.Layout, weight);
            return output;
        }
        double sum = 0;
        var nll = pass.Totals.NllSum;
        for (int c = 0; c < pass.Totals.Classes; c++)
            if (weight[c] != 0) sum += weight[c] * nll[c];
        return tensor(sum / state.Denominator, dtype: state.DType);
    }

    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => nameof(MetricWeightedCrossEntropy) + "Backward";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (pass, weight, state) = (Arguments)vars[1];
            // With the softmax kept, it and its row scale stand in the logits' and lse's places (the backward pass then reads only them).
            ctx.save_for_backward([pass.Probabilities ?? pass.Logits, pass.Target, pass.RowScale ?? pass.Lse, weight]);
            ctx.save_data(nameof(Pass.Probabilities), pass.Probabilities is not null);
            ctx.save_data(nameof(State), state);
            return Output(pass, weight, state);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var state = (State)ctx.get_data(nameof(State));
            var saved = ctx.get_saved_variables();
            bool fromProbabilities = (bool)ctx.get_data(nameof(Pass.Probabilities));
            using var x = saved[0];
            using var target = saved[1];
            using var lse = saved[2];
            using var weight = saved[3];
            var grad = empty_like(x);
            bool perPosition = state.Reduction == nn.Reduction.None;
            using var g = perPosition ? grad_output.to_type(state.DType).contiguous() : null;
            double scalar = perPosition ? 1 : grad_output.to_type(ScalarType.Float64).item<double>();
            var w = new ReadOnlySpan<double>(Pointer<double>(weight), checked((int)state.Layout.C));
            int threads = TorchThreads.Count;
            if (state.DType == ScalarType.Float32)
                FusedKernel.Backward(Pointer<float>(x), Pointer<long>(target), Pointer<float>(lse), Pointer<float>(grad), state.Layout,
                    w, state.Denominator, scalar, g is null ? null : Pointer<float>(g), threads,
                    fromProbabilities ? Pointer<float>(x) : null, fromProbabilities ? Pointer<float>(lse) : null);
            else
                FusedKernel.Backward(Pointer<double>(x), Pointer<long>(target), Pointer<double>(lse), Pointer<double>(grad), state.Layout,
                    w, state.Denominator, scalar, g is null ? null : Pointer<double>(g), threads,
                    fromProbabilities ? Pointer<double>(x) : null, fromProbabilities ? Pointer<double>(lse) : null);
            return [grad, null!]; // one entry per apply argument; the non-tensor one gets none
        }
    }

    /// <summary>A [C] tensor as a contiguous float64 CPU tensor (itself when it already is one).</summary>
    public static Tensor ToHostDoubles(Tensor values) => values.detach().to_type(ScalarType.Float64).cpu().contiguous();

    /// <summary>The elements of a contiguous float64 CPU tensor, valid while it lives.</summary>
    public static Span<double> Doubles(Tensor values) => new(Pointer<double>(values), checked((int)values.numel()));

    private static T* OrNull<T>(Tensor? t) where T : unmanaged, INumberBase<T> => t is null ? null : Pointer<T>(t);
}
