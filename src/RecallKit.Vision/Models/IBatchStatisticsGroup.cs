using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>
/// The ranks whose batch statistics a <see cref="SynchronizedBatchNorm2d"/> combines. Models know nothing of MPI: training
/// attaches a group that sums over its ranks (<c>Training/DistributedBatchStatistics</c>).
/// </summary>
public interface IBatchStatisticsGroup
{
    /// <summary>Number of ranks (1: nothing to combine).</summary>
    int Size { get; }

    /// <summary>The sum of <paramref name="value"/> over the ranks.</summary>
    long Sum(long value);

    /// <summary>The sum of <paramref name="input"/> over the ranks, differentiable: the backward sums the gradients over the ranks too.</summary>
    Tensor Sum(Tensor input);
}
