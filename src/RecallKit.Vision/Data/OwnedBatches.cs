namespace RecallKit.Vision.Data;

/// <summary>
/// The evaluation batches of one rank (<see cref="DataShard.Owns"/>) taken from a source that loads every batch: for sources
/// that cannot load a part themselves. <see cref="DatasetBatches"/> and the classification batches load only their part.
/// </summary>
public sealed class OwnedBatches(IBatchSource source, DataShard shard) : IBatchSource
{
    /// <inheritdoc />
    public int BatchesPerEpoch => source.BatchesPerEpoch;

    /// <inheritdoc />
    public DataShard Shard => shard;

    /// <inheritdoc />
    public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
    {
        int index = startBatch;
        foreach (var batch in source.Epoch(epoch, startBatch, cancellation))
            if (shard.Owns(index++))
                yield return batch;
    }
}
