using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// The Simple Decoupled Network's loss L = L_g(g's logits) + L_h(h's logits): head g's loss (recall CE for SDN, CE for
/// SDN-CE) and head h's loss (class-balanced CE). Holding both as submodules <c>g</c> and <c>h</c> puts their state
/// (e.g. g's EMA recall) in one state_dict. The detaching of h's features is the network's job.
/// </summary>
public sealed class DecoupledLoss : nn.Module<Tensor, Tensor, Tensor, Tensor>, IAppliedClassWeights, IShardedLoss, ILossTermValues
{
    private readonly nn.Module<Tensor, Tensor, Tensor> g;
    private readonly nn.Module<Tensor, Tensor, Tensor> h;

    /// <param name="g_loss">Loss of head g (trains the backbone).</param>
    /// <param name="h_loss">Loss of head h (on detached features).</param>
    public DecoupledLoss(nn.Module<Tensor, Tensor, Tensor> g_loss, nn.Module<Tensor, Tensor, Tensor> h_loss) : base(nameof(DecoupledLoss))
    {
        g = g_loss;
        h = h_loss;
        RegisterComponents();
    }

    /// <summary>Head g's loss.</summary>
    public nn.Module<Tensor, Tensor, Tensor> GLoss => g;

    /// <summary>Head h's loss.</summary>
    public nn.Module<Tensor, Tensor, Tensor> HLoss => h;

    /// <summary>Both heads' common combination; <see cref="ShardCombination.Average"/> when they differ.</summary>
    public ShardCombination shard_combination => ShardCombinations.Common([g, h]);

    /// <summary>The class weights of head g's loss, the one that trains the backbone; null when it applies none.</summary>
    public double[]? applied_class_weights() => (g as IAppliedClassWeights)?.applied_class_weights();

    /// <summary>
    /// The terms of head g's loss in the last call (h's class-balanced loss is not one of them); null when g's loss has none.
    /// </summary>
    public Tensor? last_term_values() => (g as ILossTermValues)?.last_term_values();

    /// <summary>L_g(g_logits, target) + L_h(h_logits, target).</summary>
    public override Tensor forward(Tensor g_logits, Tensor h_logits, Tensor target)
    {
        using var scope = NewDisposeScope();
        return g.call(g_logits, target).add(h.call(h_logits, target), Scalars.One).MoveToOuterDisposeScope();
    }
}
