using RecallKit.Losses;
using RecallKit.Vision.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>How the summed per-rank gradients become the single-process gradient of the whole batch's loss.</summary>
internal enum GradientScaling
{
    /// <summary>The loss already divides by the global count (metric-weighted losses with an all-reducing count reducer): sum.</summary>
    GlobalMean,

    /// <summary>Mean over valid positions (cross-entropy, focal): weight by the rank's valid positions, divide by the global count.</summary>
    ValidPositions,

    /// <summary>Anything else: the mean of the ranks' gradients (as PyTorch DDP); exact when every rank has as many valid positions.</summary>
    RankAverage,
}

/// <summary>The gradient all-reduce of a data-parallel step: sums the gradients over the ranks in flat float32 buckets.</summary>
/// <param name="distributed">The ranks.</param>
/// <param name="parameters">The trainable parameters, in the same order on every rank.</param>
internal sealed class GradientAllReduce(IDistributed distributed, IReadOnlyList<Parameter> parameters)
{
    /// <summary>Bucket size of the gradient all-reduce: about 25 MB of float32.</summary>
    internal const long BucketElements = 25L * 1024 * 1024 / sizeof(float);

    /// <summary>How the gradients of <paramref name="loss"/> are scaled after the sum.</summary>
    public static GradientScaling ScalingOf(nn.Module loss) => loss switch
    {
        MetricWeightedCrossEntropy { count_reducer: not null } or BlendedRecallCrossEntropy { count_reducer: not null } => GradientScaling.GlobalMean,
        CrossEntropy or FocalLoss or LogitAdjustedCrossEntropy or BalancedSoftmaxCrossEntropy or SeesawLoss => GradientScaling.ValidPositions,
        _ => GradientScaling.RankAverage,
    };

    /// <summary>Sums the gradients over the ranks in a few flat float32 buffers of at most ~25 MB and divides them by <paramref name="divisor"/>.</summary>
    public void SumAndDivide(double divisor)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var bucket = new List<Tensor>();
        long elements = 0;
        foreach (var p in parameters)
        {
            if (p.grad is not { } g) continue; // not used by this step's forward (the same on every rank)
            if (elements > 0 && elements + g.numel() > BucketElements)
            {
                Flush(bucket, divisor);
                bucket.Clear();
                elements = 0;
            }
            bucket.Add(g);
            elements += g.numel();
        }
        if (bucket.Count > 0) Flush(bucket, divisor);
    }

    private void Flush(List<Tensor> grads, double divisor)
    {
        var flat = cat(grads.Select(g => g.to_type(ScalarType.Float32).reshape(-1)).ToArray());
        distributed.AllReduceSum(flat);
        if (divisor != 1)
        {
            using var by = divisor.ToScalar();
            flat.div_(by);
        }
        long offset = 0;
        foreach (var g in grads)
        {
            g.copy_(flat.narrow(0, offset, g.numel()).view_as(g));
            offset += g.numel();
        }
    }
}
