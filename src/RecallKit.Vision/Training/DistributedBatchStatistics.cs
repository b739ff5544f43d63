using RecallKit.Vision.Distributed;
using RecallKit.Vision.Models;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>The ranks of a distributed run as the group whose batch statistics <c>model.sync_bn</c> combines.</summary>
public sealed class DistributedBatchStatistics(IDistributed ranks) : IBatchStatisticsGroup
{
    /// <inheritdoc />
    public int Size => ranks.Size;

    /// <inheritdoc />
    public long Sum(long value)
    {
        Span<long> values = [value];
        ranks.AllReduceSum(values);
        return values[0];
    }

    /// <inheritdoc />
    public Tensor Sum(Tensor input) => AllReduceFunction.Apply(input, ranks);
}
