using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Soft IoU loss (Rahman &amp; Wang 2016): with p = softmax and one-hot targets over valid positions only,
/// I_c = Σ p_c·t_c, U_c = Σ (p_c + t_c − p_c·t_c), loss = 1 − mean_c (I_c + smooth)/(U_c + smooth) over All or Present classes.
/// A batch-level scalar (Mean and Sum return it; None returns the per-class losses 1 − IoU_c). The target is never modified.
/// </summary>
/// <remarks>The official recall-semseg code overwrites ignored entries of its target tensor in place; here nothing is mutated.</remarks>
public class SoftIoULoss : Loss<Tensor, Tensor, Tensor>
{
    /// <param name="num_classes">C.</param>
    /// <param name="classes">All (default) or Present classes.</param>
    /// <param name="smooth">Added to numerator and denominator (≥ 0); 0 by default — U_c &gt; 0 whenever a position is valid, since softmax is positive.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean/Sum: the scalar; None: per-class losses [C].</param>
    public SoftIoULoss(long num_classes, LossClasses classes = LossClasses.All, double smooth = 0, long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
        : base(reduction)
    {
        if (!(smooth >= 0)) throw new ArgumentOutOfRangeException(nameof(smooth), smooth, "smooth must be ≥ 0.");
        this.num_classes = num_classes;
        this.classes = classes;
        this.smooth = smooth;
        this.ignore_index = ignore_index;
    }

    /// <summary>C.</summary>
    public long num_classes { get; }

    /// <summary>Averaged classes.</summary>
    public LossClasses classes { get; }

    /// <summary>Smoothing term.</summary>
    public double smooth { get; }

    /// <summary>Ignored target value.</summary>
    public long ignore_index { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var t = InputValidation.CheckClassification(input, target, num_classes, ignore_index, nameof(SoftIoULoss));
        using var scope = NewDisposeScope();
        var (rows, labels) = ValidPositions.Select(input, t, ignore_index);
        if (labels.shape[0] == 0)
            return (reduction == nn.Reduction.None ? zeros(num_classes, dtype: input.dtype, device: input.device) : input.sum() * 0).MoveToOuterDisposeScope();
        var p = rows.softmax(1);
        var onehot = nn.functional.one_hot(labels, num_classes).to_type(input.dtype);
        var intersection = (p * onehot).sum(dim: 0);
        var union = (p + onehot - p * onehot).sum(dim: 0);
        var perClass = 1 - (intersection + smooth) / (union + smooth).clamp_min(1e-12);
        if (reduction == nn.Reduction.None) return perClass.MoveToOuterDisposeScope();
        var selected = (classes == LossClasses.Present ? onehot.sum(dim: 0).gt(0) : ones(num_classes, dtype: ScalarType.Bool, device: input.device)).to_type(input.dtype);
        return ((perClass * selected).sum() / selected.sum().clamp_min(1)).MoveToOuterDisposeScope();
    }
}
