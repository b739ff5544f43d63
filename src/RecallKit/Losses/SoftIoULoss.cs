using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Soft IoU loss (Rahman &amp; Wang 2016): with p = softmax and one-hot targets over valid positions only,
/// I_c = Σ p_c·t_c, U_c = Σ (p_c + t_c − p_c·t_c), loss = 1 − mean_c (I_c + smooth)/(U_c + smooth) over All or Present classes.
/// A set function with no per-position values: Mean returns the batch-level scalar, None the per-class losses 1 − IoU_c [C];
/// Sum is rejected with an <see cref="ArgumentException"/>. The target is never modified. See
/// <see cref="functional.soft_iou_loss(Tensor, Tensor, LossClasses, double, long, nn.Reduction)"/>.
/// </summary>
/// <remarks>The official recall-semseg code overwrites ignored entries of its target tensor in place; here nothing is mutated.</remarks>
public class SoftIoULoss : ClassificationLoss
{
    /// <param name="num_classes">C.</param>
    /// <param name="classes">All (default) or Present classes.</param>
    /// <param name="smooth">Added to numerator and denominator (≥ 0); 0 by default — U_c &gt; 0 whenever a position is valid, since softmax is positive.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean: the scalar; None: per-class losses [C]. Sum is not supported.</param>
    public SoftIoULoss(long num_classes, LossClasses classes = LossClasses.All, double smooth = 0, long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
        : base(num_classes, ignore_index, reduction)
    {
        LossArguments.Smooth(smooth);
        Reductions.Require(reduction, nameof(SoftIoULoss), functional.SoftIoUReductions);
        this.classes = classes;
        this.smooth = smooth;
    }

    /// <summary>Averaged classes.</summary>
    public LossClasses classes { get; }

    /// <summary>Smoothing term.</summary>
    public double smooth { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target) =>
        functional.soft_iou_loss(input, Targets(input, target), classes, smooth, reduction);
}
