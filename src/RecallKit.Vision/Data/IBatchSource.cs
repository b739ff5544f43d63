namespace RecallKit.Vision.Data;

/// <summary>Batches of one split, in an order that depends only on (seed, epoch), resumable at any batch.</summary>
public interface IBatchSource
{
    /// <summary>Batches in one epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>The batches of <paramref name="epoch"/> from <paramref name="startBatch"/> on.</summary>
    IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation);

    /// <summary>
    /// The part of the data the batches hold (<see cref="DataShard.Whole"/> unless the source was built for one rank of a
    /// data-parallel run: then training batches hold that rank's slice and an evaluation epoch only that rank's batches).
    /// </summary>
    DataShard Shard => DataShard.Whole;
}
