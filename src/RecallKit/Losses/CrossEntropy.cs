using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>Plain cross-entropy with the same conventions and checks as the other losses (mean over valid positions).</summary>
public class CrossEntropy : Loss<Tensor, Tensor, Tensor>
{
    /// <param name="num_classes">C.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean over valid positions, Sum, or None (per position, 0 where ignored).</param>
    public CrossEntropy(long num_classes, long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean) : base(reduction)
    {
        this.num_classes = num_classes;
        this.ignore_index = ignore_index;
    }

    /// <summary>C.</summary>
    public long num_classes { get; }

    /// <summary>Ignored target value.</summary>
    public long ignore_index { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var t = InputValidation.CheckClassification(input, target, num_classes, ignore_index, nameof(CrossEntropy));
        using var scope = NewDisposeScope();
        var per = nn.functional.cross_entropy(input, t, ignore_index: ignore_index, reduction: nn.Reduction.None);
        return Reductions.Reduce(per, reduction, Reductions.ValidCount(t, ignore_index)).MoveToOuterDisposeScope();
    }
}
