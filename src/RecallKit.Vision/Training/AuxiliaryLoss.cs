using RecallKit.Losses;
using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>
/// The losses of a network with an auxiliary head: total = main(logits) + weight · auxiliary(auxiliary logits). The auxiliary
/// loss is its own instance of the configured loss, so stateful losses (recall counts, EMA) never mix the two heads'
/// predictions. As a module it holds both (state keys <c>main.*</c>, <c>auxiliary.*</c>) for the checkpoint's loss section.
/// </summary>
public sealed class AuxiliaryLoss : nn.Module, IShardedLoss, ILossTermValues
{
    private readonly nn.Module<Tensor, Tensor, Tensor> main;
    private readonly nn.Module<Tensor, Tensor, Tensor> auxiliary;

    /// <param name="main">Loss of the main logits.</param>
    /// <param name="auxiliary">A second instance of the same loss, for the auxiliary logits.</param>
    /// <param name="weight">Weight of the auxiliary term (<c>loss.aux_weight</c>).</param>
    public AuxiliaryLoss(nn.Module<Tensor, Tensor, Tensor> main, nn.Module<Tensor, Tensor, Tensor> auxiliary, double weight) : base(nameof(AuxiliaryLoss))
    {
        this.main = main;
        this.auxiliary = auxiliary;
        Weight = weight;
        RegisterComponents();
    }

    /// <summary>Weight of the auxiliary term.</summary>
    public double Weight { get; }

    /// <summary>The main head's loss (its class weights are the ones logged).</summary>
    public nn.Module<Tensor, Tensor, Tensor> Main => main;

    /// <summary>The heads' common combination (the same loss on the same labels: the main loss's).</summary>
    public ShardCombination shard_combination => ShardCombinations.Common([main, auxiliary]);

    /// <summary>
    /// Each term's part of the last total: main's term + weight · auxiliary's term, [T] (so that the terms' weighted sum is the
    /// total); null when either loss kept none.
    /// </summary>
    public Tensor? last_term_values()
    {
        using var scope = NewDisposeScope();
        if ((main as ILossTermValues)?.last_term_values() is not { } heads
            || (auxiliary as ILossTermValues)?.last_term_values() is not { } auxiliaries)
            return null;
        using var weight = Weight.ToScalar();
        return heads.add(auxiliaries.mul(weight), Scalars.One).MoveToOuterDisposeScope();
    }

    /// <summary>main(logits, labels) + weight · auxiliary(auxiliary_logits, labels).</summary>
    public Tensor Compute(Tensor logits, Tensor auxiliary_logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var weight = Weight.ToScalar();
        return main.call(logits, labels).add(auxiliary.call(auxiliary_logits, labels).mul(weight), Scalars.One).MoveToOuterDisposeScope();
    }
}
