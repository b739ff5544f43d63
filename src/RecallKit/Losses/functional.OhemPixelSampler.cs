#pragma warning disable CS8981 // lower-case type name, as torch.nn.functional
namespace RecallKit.Losses;

public static partial class functional
{
    /// <summary>
    /// The pixel weights of open-mmlab/mmsegmentation's <c>OHEMPixelSampler.sample</c> [N,d…] (1 kept, 0 dropped or ignored),
    /// with k = <paramref name="min_kept"/>·N. With <paramref name="thresh"/>: p_y the softmax probability of the target, sorted
    /// ascending over the valid positions; threshold = max(p_(min(k, #valid − 1)), thresh); keep the valid positions with
    /// p_y &lt; threshold. Without: keep the k valid positions with the largest <paramref name="per_position_loss"/>.
    /// </summary>
    /// <param name="input">Logits [N,C,d…] (read detached).</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="thresh">Probability threshold in (0, 1), or null to rank by loss.</param>
    /// <param name="min_kept">Positions kept at least, per image (mmsegmentation's default 100000).</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="per_position_loss">[N,d…] losses (read detached); required without <paramref name="thresh"/>.</param>
    public static Tensor ohem_pixel_weights(Tensor input, Tensor target, double? thresh = null, long min_kept = 100000, long ignore_index = -100,
        Tensor? per_position_loss = null)
    {
        LossArguments.OhemSampler(thresh, min_kept);
        var targets = Check(input, target, ignore_index, nameof(ohem_pixel_weights));
        if (thresh is null && per_position_loss is null)
            throw new ArgumentException("ohem_pixel_weights: without thresh the positions are ranked by per_position_loss, which is missing.", nameof(per_position_loss));
        if (per_position_loss is not null && !per_position_loss.shape.SequenceEqual(targets.Target.shape))
            throw new ArgumentException(
                $"ohem_pixel_weights: per_position_loss has shape {InputValidation.Shape(per_position_loss)}, expected the target's {InputValidation.Shape(targets.Target)}.",
                nameof(per_position_loss));
        return ohem_pixel_weights(input, targets, thresh, min_kept, per_position_loss);
    }

    internal static Tensor ohem_pixel_weights(Tensor input, LossTargets targets, double? thresh, long min_kept, Tensor? per_position_loss)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var valid = targets.Ignored.logical_not();
        long batchKept = min_kept * input.shape[0];
        Tensor keep;
        if (thresh is { } t)
        {
            var probability = input.detach().softmax(1).gather(1, targets.Safe.unsqueeze(1)).squeeze(1);
            var sorted = probability.masked_select(valid).sort().Values;
            long n = sorted.numel();
            double minimum = n > 0 ? sorted[Math.Min(batchKept, n - 1)].to_type(ScalarType.Float64).item<double>() : 0.0;
            using var threshold = Math.Max(minimum, t).ToScalar();
            keep = probability.lt(threshold).logical_and(valid);
        }
        else
        {
            var losses = per_position_loss!.detach().masked_select(valid);
            long n = losses.numel();
            var chosen = zeros(n, dtype: ScalarType.Bool, device: input.device);
            if (n > 0 && batchKept > 0)
            {
                var order = losses.sort(descending: true).Indices.narrow(0, 0, Math.Min(batchKept, n));
                chosen.index_fill_(0, order, Scalars.True);
            }
            keep = zeros_like(valid).masked_scatter(valid, chosen);
        }
        return keep.to_type(input.dtype).MoveToOuterDisposeScope();
    }
}
