using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// How the gradients of a loss computed on each rank's shard of a batch combine into the gradient of the same loss computed on
/// the whole batch in one process (data-parallel training).
/// </summary>
public enum ShardCombination
{
    /// <summary>The shards' losses add up to the whole batch's (a sum, or a mean that already divides by the global count through an all-reducing count reducer): sum the gradients.</summary>
    Sum,

    /// <summary>A mean over the shard's valid (non-ignored) positions: weight each shard by its valid positions, divide by the global count.</summary>
    ValidPositionMean,

    /// <summary>Any other normalisation (per-image or per-batch set losses, class-weighted means): the mean of the shards' gradients, as PyTorch DDP — exact only when every shard contributes alike.</summary>
    Average,
}

/// <summary>A loss that says how its shards' gradients combine (<see cref="ShardCombination"/>); a loss that does not is averaged.</summary>
public interface IShardedLoss
{
    /// <summary>How this loss's per-shard gradients combine into the whole batch's.</summary>
    ShardCombination shard_combination { get; }
}

/// <summary>The <see cref="ShardCombination"/> of losses, composed ones included.</summary>
public static class ShardCombinations
{
    /// <summary>What <paramref name="loss"/> declares; <see cref="ShardCombination.Average"/> for a loss that declares nothing.</summary>
    public static ShardCombination Of(nn.Module loss) => loss is IShardedLoss sharded ? sharded.shard_combination : ShardCombination.Average;

    /// <summary>
    /// The combination of a weighted sum of <paramref name="parts"/> computed on the same targets: theirs when they all agree (the
    /// sum is linear, so the common weighting is exact for the sum too), otherwise <see cref="ShardCombination.Average"/>.
    /// </summary>
    public static ShardCombination Common(IEnumerable<nn.Module> parts)
    {
        var kinds = parts.Select(Of).Distinct().ToArray();
        return kinds.Length == 1 ? kinds[0] : ShardCombination.Average;
    }

    /// <summary>A loss whose mean is over the valid positions: <see cref="ShardCombination.ValidPositionMean"/> for a mean, <see cref="ShardCombination.Sum"/> for a sum.</summary>
    public static ShardCombination OfPositionReduction(nn.Reduction reduction) => reduction switch
    {
        nn.Reduction.Mean => ShardCombination.ValidPositionMean,
        nn.Reduction.Sum => ShardCombination.Sum,
        _ => ShardCombination.Average,
    };
}
