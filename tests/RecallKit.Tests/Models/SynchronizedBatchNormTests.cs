using RecallKit.Runtime;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Models;

/// <summary>
/// SyncBatchNorm without processes: a group whose "other rank" holds a copy of this rank's images (every all-reduce doubles)
/// must give exactly what one BatchNorm computes over both copies — outputs, input gradients, parameter gradients, running stats.
/// </summary>
public sealed class SynchronizedBatchNormTests
{
    [Fact]
    public void TwoRanksWithTheSameImagesNormaliseAsOneBatchNormOverBothCopies()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var images = randn(3, 4, 5, 6, dtype: ScalarType.Float64).mul(Scalars.Two).add(Scalars.One, Scalars.One);
        var outputWeights = randn(3, 4, 5, 6, dtype: ScalarType.Float64);

        // Reference: nn.BatchNorm2d's computation over the two copies, [6, 4, 5, 6].
        using var reference = new SynchronizedBatchNorm2d(4);
        reference.to(ScalarType.Float64);
        var first = images.clone().requires_grad_(true);
        var second = images.clone().requires_grad_(true);
        var referenceOutput = reference.call(cat([first, second]));
        (referenceOutput * cat([outputWeights, outputWeights])).sum().backward();

        // One rank of two, synchronised: it sees its copy; the group contributes the other copy's sums.
        using var synchronised = new SynchronizedBatchNorm2d(4) { Group = new DistributedBatchStatistics(new TwoIdenticalRanks()) };
        synchronised.to(ScalarType.Float64);
        var mine = images.clone().requires_grad_(true);
        var output = synchronised.call(mine);
        (output * outputWeights).sum().backward(); // each rank back-propagates its own part of the loss

        AssertClose(referenceOutput.narrow(0, 0, 3), output);
        AssertClose(first.grad!, mine.grad!);
        // Parameter gradients: this rank's share, which the trainer's gradient all-reduce sums over the ranks.
        AssertClose(reference.weight!.grad!, synchronised.weight!.grad!.mul(Scalars.Two));
        AssertClose(reference.bias!.grad!, synchronised.bias!.grad!.mul(Scalars.Two));
        AssertClose(reference.running_mean!, synchronised.running_mean!);
        AssertClose(reference.running_var!, synchronised.running_var!);
        Assert.Equal(1, synchronised.num_batches_tracked!.item<long>());
    }

    [Fact]
    public void WithoutAGroupOrInEvalModeItIsBatchNorm2d()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var images = randn(2, 3, 4, 4);
        using var ours = new SynchronizedBatchNorm2d(3);
        using var theirs = nn.BatchNorm2d(3);
        Assert.Equal(theirs.state_dict().Keys, ours.state_dict().Keys);
        Assert.True(ours.call(images).eq(theirs.call(images)).all().item<bool>());
        Assert.True(ours.running_var!.eq(theirs.running_var!).all().item<bool>());
        ours.Group = new DistributedBatchStatistics(new TwoIdenticalRanks());
        ours.eval();
        theirs.eval();
        Assert.True(ours.call(images).eq(theirs.call(images)).all().item<bool>());
    }

    [Fact]
    public void AnInputThatIsNotFourDimensionalIsRejectedWithItsShape()
    {
        using var norm = new SynchronizedBatchNorm2d(3) { Group = new DistributedBatchStatistics(new TwoIdenticalRanks()) };
        var error = Assert.Throws<ArgumentException>(() => norm.call(zeros(2, 3, 4)));
        Assert.Contains("[2,3,4]", error.Message);
    }

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        double difference = (expected - actual).abs().max().item<double>();
        Assert.True(difference < 1e-10, $"largest difference {difference}");
    }

    /// <summary>Two ranks whose data are identical: a sum over the ranks is twice this rank's value.</summary>
    private sealed class TwoIdenticalRanks : IDistributed
    {
        public int Rank => 0;
        public int Size => 2;

        public void AllReduceSum(Span<float> values)
        {
            foreach (ref var v in values) v *= 2;
        }

        public void AllReduceSum(Span<double> values)
        {
            foreach (ref var v in values) v *= 2;
        }

        public void AllReduceSum(Span<long> values)
        {
            foreach (ref var v in values) v *= 2;
        }

        public void Broadcast(Span<byte> data, int root = 0)
        {
        }

        public void Barrier()
        {
        }

        public void Abort(int code) => throw new InvalidOperationException("no abort expected");

        public void Dispose()
        {
        }
    }
}
