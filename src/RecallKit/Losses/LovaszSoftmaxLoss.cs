using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Lovász-softmax loss (Berman, Rannen Triki &amp; Blaschko 2018): the Lovász extension of the Jaccard loss applied to
/// softmax probabilities. Per class c: errors e_i = |[y_i = c] − p_{i,c}| over valid positions, sorted in decreasing order,
/// dotted with the Lovász gradient of the Jaccard loss at the sorted ground truth; the result is averaged over the classes
/// (Present: those in the valid targets; All: every class). The sort order is a constant for autograd.
/// </summary>
/// <remarks>Cost: one sort of the valid positions per class, O(C·P log P) — see the README's benchmark.</remarks>
public class LovaszSoftmaxLoss : Loss<Tensor, Tensor, Tensor>
{
    /// <param name="num_classes">C.</param>
    /// <param name="classes">Present (default) or All.</param>
    /// <param name="per_image">Compute the loss per image and average over images that have a valid position.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    public LovaszSoftmaxLoss(long num_classes, LossClasses classes = LossClasses.Present, bool per_image = false, long ignore_index = -100)
        : base(nn.Reduction.Mean)
    {
        this.num_classes = num_classes;
        this.classes = classes;
        this.per_image = per_image;
        this.ignore_index = ignore_index;
    }

    /// <summary>C.</summary>
    public long num_classes { get; }

    /// <summary>Averaged classes.</summary>
    public LossClasses classes { get; }

    /// <summary>Per-image averaging.</summary>
    public bool per_image { get; }

    /// <summary>Ignored target value.</summary>
    public long ignore_index { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var t = InputValidation.CheckClassification(input, target, num_classes, ignore_index, nameof(LovaszSoftmaxLoss));
        using var scope = NewDisposeScope();
        Tensor result;
        if (!per_image)
        {
            var (rows, labels) = ValidPositions.Select(input, t, ignore_index);
            result = labels.shape[0] == 0 ? input.sum() * 0 : Flat(rows.softmax(1), labels);
        }
        else
        {
            var losses = new List<Tensor>();
            for (long n = 0; n < input.shape[0]; n++)
            {
                var (rows, labels) = ValidPositions.Select(input.narrow(0, n, 1), t.narrow(0, n, 1), ignore_index);
                if (labels.shape[0] > 0) losses.Add(Flat(rows.softmax(1), labels));
            }
            result = losses.Count == 0 ? input.sum() * 0 : stack(losses).mean();
        }
        return result.MoveToOuterDisposeScope();
    }

    private Tensor Flat(Tensor probabilities, Tensor labels)
    {
        var losses = new List<Tensor>();
        // One host read for the presence of every class, not one per class (and not bincount, which on CUDA reads the
        // labels' minimum and maximum on the host first).
        var present = BatchConfusionCounts.Histogram(labels, num_classes).cpu().data<long>().ToArray();
        for (long c = 0; c < num_classes; c++)
        {
            if (classes == LossClasses.Present && present[c] == 0) continue;
            var foreground = labels.eq(c).to_type(probabilities.dtype);
            var errors = (foreground - probabilities.select(1, c)).abs();
            var order = errors.detach().argsort(descending: true);
            losses.Add(errors.index_select(0, order).dot(LovaszGradient(foreground.index_select(0, order))));
        }
        return losses.Count == 0 ? probabilities.sum() * 0 : stack(losses).mean();
    }

    /// <summary>Gradient of the Lovász extension of the Jaccard loss at sorted ground truth (Berman et al., Alg. 1).</summary>
    internal static Tensor LovaszGradient(Tensor sorted_foreground)
    {
        var total = sorted_foreground.sum();
        var intersection = total - sorted_foreground.cumsum(0);
        var union = total + (1 - sorted_foreground).cumsum(0);
        var jaccard = 1 - intersection / union;
        if (sorted_foreground.shape[0] > 1)
            jaccard = cat([jaccard.narrow(0, 0, 1), jaccard.narrow(0, 1, jaccard.shape[0] - 1) - jaccard.narrow(0, 0, jaccard.shape[0] - 1)]);
        return jaccard;
    }
}
