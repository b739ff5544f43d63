using static TorchSharp.torch;

namespace RecallKit.Vision.Distributed;

/// <summary>
/// A differentiable all-reduce: the forward sums a tensor over the ranks; since every rank's loss depends on that sum, the
/// backward sums the incoming gradients over the ranks too. Every rank must apply it in the same order (the forward and
/// backward passes of identical graphs do).
/// </summary>
public static class AllReduceFunction
{
    /// <summary>The sum of <paramref name="input"/> (a CPU tensor) over the ranks of <paramref name="group"/>, with its gradient.</summary>
    public static Tensor Apply(Tensor input, IDistributed group)
    {
        if (group.Size == 1) return input;
        if (input.requires_grad && is_grad_enabled()) return Function.apply(input, group);
        return group.AllReduceSum(input.contiguous().clone());
    }

    private sealed class Function : autograd.SingleTensorFunction<Function>
    {
        public override string Name => "AllReduceSumBackward";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var group = (IDistributed)vars[1];
            ctx.save_data(nameof(IDistributed), group);
            return group.AllReduceSum(((Tensor)vars[0]).contiguous().clone());
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var group = (IDistributed)ctx.get_data(nameof(IDistributed));
            return [group.AllReduceSum(grad_output.contiguous().clone()), null!];
        }
    }
}
