#pragma warning disable CS8981 // lower-case type name, as torch.nn.functional
namespace RecallKit.Losses;

public static partial class functional
{
    /// <summary>
    /// Soft IoU loss (Rahman &amp; Wang 2016): with p = softmax and one-hot targets over valid positions only,
    /// I_c = Σ p_c·t_c, U_c = Σ (p_c + t_c − p_c·t_c), loss = 1 − mean_c (I_c + smooth)/(U_c + smooth) over All or Present classes.
    /// A set function with no per-position values: Mean gives that scalar, None the per-class losses 1 − IoU_c [C]; Sum is
    /// rejected. The target is never modified.
    /// </summary>
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="classes">All (default) or Present classes (Mean only).</param>
    /// <param name="smooth">Added to numerator and denominator (≥ 0).</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean or None.</param>
    public static Tensor soft_iou_loss(Tensor input, Tensor target, LossClasses classes = LossClasses.All, double smooth = 0,
        long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
    {
        LossArguments.Smooth(smooth);
        Reductions.Require(reduction, nameof(soft_iou_loss), SoftIoUReductions);
        return soft_iou_loss(input, LossTargets.Check(input, target, null, ignore_index, nameof(soft_iou_loss)), classes, smooth, reduction);
    }

    /// <summary>The reductions <see cref="soft_iou_loss(Tensor, Tensor, LossClasses, double, long, nn.Reduction)"/> supports.</summary>
    internal static readonly nn.Reduction[] SoftIoUReductions = [nn.Reduction.Mean, nn.Reduction.None];

    internal static Tensor soft_iou_loss(Tensor input, LossTargets targets, LossClasses classes, double smooth, nn.Reduction reduction)
    {
        Reductions.Require(reduction, targets.Loss, SoftIoUReductions);
        long c = targets.NumClasses;
        using var scope = NewDisposeScope();
        var (rows, labels) = ValidPositions.Select(input, targets.Target, targets.IgnoreIndex);
        if (labels.shape[0] == 0)
            return (reduction == nn.Reduction.None ? zeros(c, dtype: input.dtype, device: input.device) : input.sum().mul(Scalars.Zero)).MoveToOuterDisposeScope();
        var p = rows.softmax(1);
        var onehot = nn.functional.one_hot(labels, c).to_type(input.dtype);
        var intersection = (p * onehot).sum(dim: 0);
        var union = (p.add(onehot, Scalars.One) - p * onehot).sum(dim: 0);
        using var smoothing = smooth.ToScalar();
        var perClass = Scalars.OneMinus(intersection.add(smoothing, Scalars.One) / union.add(smoothing, Scalars.One).clamp_min(Epsilon));
        if (reduction == nn.Reduction.None) return perClass.MoveToOuterDisposeScope();
        var selected = (classes == LossClasses.Present ? onehot.sum(dim: 0).gt(Scalars.Zero) : ones(c, dtype: ScalarType.Bool, device: input.device)).to_type(input.dtype);
        return ((perClass * selected).sum() / selected.sum().clamp_min(Scalars.One)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Lovász-softmax loss (Berman, Rannen Triki &amp; Blaschko 2018): per class c, errors e_i = |[y_i = c] − p_{i,c}| over valid
    /// positions, sorted in decreasing order, dotted with the Lovász gradient of the Jaccard loss at the sorted ground truth;
    /// averaged over the classes (Present or All), and with <paramref name="per_image"/> over the images that have a valid
    /// position. A set function: only Mean is supported.
    /// </summary>
    /// <param name="input">Logits [N,C,d…].</param>
    /// <param name="target">Integer class ids [N,d…].</param>
    /// <param name="classes">Present (default) or All.</param>
    /// <param name="per_image">Compute the loss per image and average over images.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean.</param>
    public static Tensor lovasz_softmax(Tensor input, Tensor target, LossClasses classes = LossClasses.Present, bool per_image = false,
        long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
    {
        Reductions.Require(reduction, nameof(lovasz_softmax), nn.Reduction.Mean);
        return lovasz_softmax(input, LossTargets.Check(input, target, null, ignore_index, nameof(lovasz_softmax)), classes, per_image, reduction);
    }

    internal static Tensor lovasz_softmax(Tensor input, LossTargets targets, LossClasses classes, bool per_image, nn.Reduction reduction)
    {
        Reductions.Require(reduction, targets.Loss, nn.Reduction.Mean);
        using var scope = NewDisposeScope();
        Tensor result;
        if (!per_image)
        {
            var (rows, labels) = ValidPositions.Select(input, targets.Target, targets.IgnoreIndex);
            result = labels.shape[0] == 0 ? input.sum().mul(Scalars.Zero) : LovaszExtension.Loss(rows.softmax(1), labels, targets.NumClasses, classes);
        }
        else
        {
            var losses = new List<Tensor>();
            for (long n = 0; n < input.shape[0]; n++)
            {
                var (rows, labels) = ValidPositions.Select(input.narrow(0, n, 1), targets.Target.narrow(0, n, 1), targets.IgnoreIndex);
                if (labels.shape[0] > 0) losses.Add(LovaszExtension.Loss(rows.softmax(1), labels, targets.NumClasses, classes));
            }
            result = losses.Count == 0 ? input.sum().mul(Scalars.Zero) : stack(losses).mean();
        }
        return result.MoveToOuterDisposeScope();
    }
}
