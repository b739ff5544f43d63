namespace RecallKit.Vision.Data;

/// <summary>
/// The part of the data one process of a data-parallel run loads: rank <see cref="Rank"/> of <see cref="Ranks"/>. Training:
/// its contiguous slice of every batch (the slices of all ranks, in rank order, are the batch). Evaluation: every
/// <see cref="Ranks"/>-th batch, starting at batch <see cref="Rank"/> (together: every batch once).
/// </summary>
public readonly record struct DataShard
{
    /// <param name="rank">This process's rank, 0 … ranks − 1.</param>
    /// <param name="ranks">Number of processes.</param>
    public DataShard(int rank, int ranks)
    {
        if (ranks < 1 || rank < 0 || rank >= ranks)
            throw new ArgumentOutOfRangeException(nameof(rank), $"rank {rank} of {ranks}: a rank is in 0 … ranks − 1 and ranks ≥ 1.");
        Rank = rank;
        Ranks = ranks;
    }

    /// <summary>Everything (one process).</summary>
    public static DataShard Whole => new(0, 1);

    /// <summary>This process's rank.</summary>
    public int Rank { get; }

    /// <summary>Number of processes (0 only for <c>default</c>, which means the same as <see cref="Whole"/>).</summary>
    public int Ranks { get; }

    /// <summary>True for one process: nothing is left out.</summary>
    public bool IsWhole => Ranks <= 1;

    /// <summary>The first index and the length of this rank's slice of <paramref name="count"/> samples.</summary>
    public (int Start, int Count) Slice(int count)
    {
        if (IsWhole) return (0, count);
        int start = (int)((long)Rank * count / Ranks), end = (int)((long)(Rank + 1) * count / Ranks);
        return (start, end - start);
    }

    /// <summary>Whether evaluation batch <paramref name="batch"/> is this rank's.</summary>
    public bool Owns(int batch) => IsWhole || batch % Ranks == Rank;

    /// <inheritdoc />
    public override string ToString() => IsWhole ? "whole" : $"rank {Rank} of {Ranks}";
}
