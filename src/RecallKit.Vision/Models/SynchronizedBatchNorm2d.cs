using RecallKit.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>
/// <c>nn.BatchNorm2d</c> (same parameters, buffers, names and results) whose training-mode batch statistics are, when a group
/// of ranks is attached (<c>model.sync_bn</c> under mpirun), the mean and variance over the images of every rank — what
/// PyTorch's <c>SyncBatchNorm</c> computes — so that K ranks × B/K images normalise exactly like one process × B images.
/// </summary>
public sealed class SynchronizedBatchNorm2d : BatchNorm
{
    /// <param name="num_features">Channels.</param>
    public SynchronizedBatchNorm2d(long num_features)
        : base(num_features, eps: 1e-5, momentum: 0.1, affine: true, track_running_stats: true, device: null, dtype: null, name: "BatchNorm2d")
    {
    }

    /// <summary>The ranks whose batch statistics are combined in training mode; null (or one rank) behaves as <c>nn.BatchNorm2d</c>.</summary>
    public IBatchStatisticsGroup? Group { get; set; }

    /// <inheritdoc />
    protected override void ValidateInputDimensions(Tensor input)
    {
        if (input.ndim != 4) throw new ArgumentException($"BatchNorm2d expects a 4-d input [N,C,H,W], got [{string.Join(",", input.shape)}].");
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!training || Group is not { Size: > 1 } group) return base.forward(input);
        ValidateInputDimensions(input);
        if (input.shape[1] != num_features)
            throw new ArgumentException($"BatchNorm2d has {num_features} channels, the input [{string.Join(",", input.shape)}] has {input.shape[1]}.");
        num_batches_tracked!.add_(Scalars.One, Scalars.One); // held Scalars, value and alpha (RK0001)

        // Two passes over the global batch, as a single process computes it: the mean, then the mean squared deviation from it.
        // Sums are accumulated in float64 so that the order of the summation (per rank, then over ranks) does not show.
        long count = group.Sum(input.shape[0] * input.shape[2] * input.shape[3]);
        if (count < 2) throw new ArgumentException($"BatchNorm2d needs more than one value per channel in training mode, got {count} over all ranks.");
        long[] dims = [0, 2, 3];
        using var scope = NewDisposeScope(); // the statistics' intermediates go when the call ends; only the output leaves
        var lowPrecision = input.dtype is ScalarType.BFloat16 or ScalarType.Float16; // mixed precision: normalise in float32
        var x = lowPrecision ? input.to_type(ScalarType.Float32) : input;
        // Scalars held for the whole call: a temporary Scalar can be finalised while libtorch still reads it (RK0001).
        double m = momentum ?? 1.0 / num_batches_tracked.item<long>();
        using Scalar perElement = 1.0 / count, epsilon = eps, keep = 1 - m, take = m, unbiased = (double)count / (count - 1);
        var mean = group.Sum(x.sum(dims, type: ScalarType.Float64)).mul(perElement);
        var centred = x - mean.to_type(x.dtype).view(1, -1, 1, 1);
        var variance = group.Sum(centred.pow(Scalars.Two).sum(dims, type: ScalarType.Float64)).mul(perElement);
        var scale = variance.add(epsilon, Scalars.One).rsqrt().to_type(x.dtype);
        var output = centred * scale.view(1, -1, 1, 1);
        if (affine) output = (output * weight!.view(1, -1, 1, 1)).add(bias!.view(1, -1, 1, 1), Scalars.One);

        using (no_grad())
        {
            running_mean!.mul_(keep).add_(mean.detach().to_type(running_mean!.dtype), alpha: take);
            running_var!.mul_(keep).add_(variance.detach().mul(unbiased).to_type(running_var!.dtype), alpha: take);
        }
        return (lowPrecision ? output.to_type(input.dtype) : output).MoveToOuterDisposeScope();
    }
}
