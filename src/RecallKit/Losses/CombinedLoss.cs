using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Σ_i a_i·L_i(input, target), e.g. cross-entropy + Lovász; the parts are submodules, so their state is in <c>state_dict</c>. Each
/// call keeps the unweighted L_i for logs (<see cref="last_term_values"/>).
/// </summary>
public class CombinedLoss : Loss<Tensor, Tensor, Tensor>, IAppliedClassWeights, IShardedLoss, ILossTermValues
{
    private readonly double[] factors;
    private readonly TorchSharp.Modules.ModuleList<nn.Module<Tensor, Tensor, Tensor>> parts;
    private readonly RecordedTermValues recorded = new();

    /// <param name="terms">(factor, loss) pairs; at least one.</param>
    public CombinedLoss(params (double factor, nn.Module<Tensor, Tensor, Tensor> loss)[] terms) : base(nn.Reduction.Mean)
    {
        if (terms.Length == 0) throw new ArgumentException("a combined loss needs at least one term.", nameof(terms));
        if (terms.Any(t => !double.IsFinite(t.factor))) throw new ArgumentException("every factor must be finite.", nameof(terms));
        factors = terms.Select(t => t.factor).ToArray();
        parts = nn.ModuleList(terms.Select(t => t.loss).ToArray());
        RegisterComponents();
    }

    /// <summary>The factors a_i.</summary>
    public IReadOnlyList<double> term_factors => factors;

    /// <summary>
    /// The class weights of the first part that applies some (the main loss of a config's <c>loss + plus</c> pair), without
    /// its factor a_i; null when no part does.
    /// </summary>
    public double[]? applied_class_weights() =>
        parts.Select(part => (part as IAppliedClassWeights)?.applied_class_weights()).FirstOrDefault(weights => weights is not null);

    /// <summary>The parts' common combination; <see cref="ShardCombination.Average"/> when they differ.</summary>
    public ShardCombination shard_combination => ShardCombinations.Common(parts);

    /// <summary>The unweighted L_i of the last call (scalar reductions only), [T]; a new tensor the caller disposes.</summary>
    public Tensor? last_term_values() => recorded.Copy();

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        using var scope = NewDisposeScope();
        var terms = term_values(input, target);
        recorded.Record(terms);
        return weighted_sum(terms).MoveToOuterDisposeScope();
    }

    /// <summary>Each part's unweighted L_i(input, target), reduced as the part reduces (per position with reduction None).</summary>
    public Tensor[] term_values(Tensor input, Tensor target) => parts.Select(part => part.call(input, target)).ToArray();

    /// <summary>Σ_i a_i·<paramref name="terms"/>[i], summed in term order (what <see cref="forward"/> returns).</summary>
    public Tensor weighted_sum(IReadOnlyList<Tensor> terms)
    {
        if (terms.Count != factors.Length)
            throw new ArgumentException($"{terms.Count} term values for {factors.Length} terms.", nameof(terms));
        using var scope = NewDisposeScope();
        Tensor? total = null;
        for (int i = 0; i < factors.Length; i++)
        {
            using var factor = factors[i].ToScalar();
            var term = terms[i].mul(factor);
            total = total is null ? term : total.add(term, Scalars.One);
        }
        return total!.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) recorded.Dispose();
        base.Dispose(disposing);
    }
}
