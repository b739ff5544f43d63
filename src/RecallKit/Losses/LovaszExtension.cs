using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>The Lovász extension of the Jaccard loss over softmax probabilities of valid positions (Berman et al. 2018).</summary>
internal static class LovaszExtension
{
    /// <summary>Mean over the averaged classes of the sorted errors dotted with the Lovász gradient; the sort order is a constant for autograd.</summary>
    /// <param name="probabilities">Softmax [P,C] of the valid positions.</param>
    /// <param name="labels">int64 targets [P].</param>
    /// <param name="num_classes">C.</param>
    /// <param name="classes">Present or All.</param>
    public static Tensor Loss(Tensor probabilities, Tensor labels, long num_classes, LossClasses classes)
    {
        var losses = new List<Tensor>();
        // One host read for the presence of every class, not one per class (and not bincount, which on CUDA reads the
        // labels' minimum and maximum on the host first).
        var present = BatchConfusionCounts.Histogram(labels, num_classes).cpu().data<long>().ToArray();
        for (long c = 0; c < num_classes; c++)
        {
            if (classes == LossClasses.Present && present[c] == 0) continue;
            using var classIndex = c.ToScalar();
            var foreground = labels.eq(classIndex).to_type(probabilities.dtype);
            var errors = (foreground - probabilities.select(1, c)).abs();
            var order = errors.detach().argsort(descending: true);
            losses.Add(errors.index_select(0, order).dot(Gradient(foreground.index_select(0, order))));
        }
        return losses.Count == 0 ? probabilities.sum().mul(Scalars.Zero) : stack(losses).mean();
    }

    /// <summary>Gradient of the Lovász extension of the Jaccard loss at sorted ground truth (Berman et al., Alg. 1).</summary>
    public static Tensor Gradient(Tensor sorted_foreground)
    {
        var total = sorted_foreground.sum();
        var intersection = total - sorted_foreground.cumsum(0);
        var union = total.add(Scalars.OneMinus(sorted_foreground).cumsum(0), Scalars.One);
        var jaccard = Scalars.OneMinus(intersection / union);
        if (sorted_foreground.shape[0] > 1)
            jaccard = cat([jaccard.narrow(0, 0, 1), jaccard.narrow(0, 1, jaccard.shape[0] - 1) - jaccard.narrow(0, 0, jaccard.shape[0] - 1)]);
        return jaccard;
    }
}
