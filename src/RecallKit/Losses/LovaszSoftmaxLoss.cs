using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Lovász-softmax loss (Berman, Rannen Triki &amp; Blaschko 2018): the Lovász extension of the Jaccard loss applied to
/// softmax probabilities. Per class c: errors e_i = |[y_i = c] − p_{i,c}| over valid positions, sorted in decreasing order,
/// dotted with the Lovász gradient of the Jaccard loss at the sorted ground truth; the result is averaged over the classes
/// (Present: those in the valid targets; All: every class). The sort order is a constant for autograd. A set function: the
/// reduction is always Mean (<see cref="functional.lovasz_softmax(Tensor, Tensor, LossClasses, bool, long, nn.Reduction)"/> rejects others).
/// </summary>
/// <remarks>Cost: one sort of the valid positions per class, O(C·P log P) — see the README's benchmark.</remarks>
public class LovaszSoftmaxLoss : ClassificationLoss
{
    /// <param name="num_classes">C.</param>
    /// <param name="classes">Present (default) or All.</param>
    /// <param name="per_image">Compute the loss per image and average over images that have a valid position.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    public LovaszSoftmaxLoss(long num_classes, LossClasses classes = LossClasses.Present, bool per_image = false, long ignore_index = -100)
        : base(num_classes, ignore_index, nn.Reduction.Mean)
    {
        this.classes = classes;
        this.per_image = per_image;
    }

    /// <summary>Averaged classes.</summary>
    public LossClasses classes { get; }

    /// <summary>Per-image averaging.</summary>
    public bool per_image { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target) =>
        functional.lovasz_softmax(input, Targets(input, target), classes, per_image, reduction);
}
