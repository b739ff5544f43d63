using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Validated targets of one loss call: the int64 targets and, computed on first use, the mask of ignored positions and the
/// targets with ignored positions mapped to class 0 (safe for <c>gather</c> / <c>index_select</c>).
/// </summary>
/// <remarks>
/// The derived tensors belong to the dispose scope that is current when they are first read; a loss that calls another loss's
/// core reads them in its own scope first.
/// </remarks>
internal sealed class LossTargets
{
    private Tensor? ignored;
    private Tensor? safe;

    private LossTargets(Tensor target, long num_classes, long ignore_index, string loss)
    {
        Target = target;
        NumClasses = num_classes;
        IgnoreIndex = ignore_index;
        Loss = loss;
    }

    /// <summary>int64 targets [N,d…].</summary>
    public Tensor Target { get; }

    /// <summary>C.</summary>
    public long NumClasses { get; }

    /// <summary>Ignored target value.</summary>
    public long IgnoreIndex { get; }

    /// <summary>Name of the loss, for error messages.</summary>
    public string Loss { get; }

    /// <summary>Bool mask [N,d…] of the ignored positions.</summary>
    public Tensor Ignored => ignored ??= Compare(Target.eq);

    /// <summary>The targets with ignored positions replaced by 0.</summary>
    public Tensor Safe => safe ??= Target.masked_fill(Ignored, Scalars.Zero);

    /// <summary>Number of valid positions, as a tensor (no host sync).</summary>
    public Tensor ValidCount() => Compare(Target.ne).sum();

    /// <summary>A comparison of the targets with the ignored value, the Scalar held for the call.</summary>
    private Tensor Compare(Func<Scalar, Tensor> comparison)
    {
        using var ignore = IgnoreIndex.ToScalar();
        return comparison(ignore);
    }

    /// <summary>
    /// Validates logits against targets (<see cref="InputValidation.CheckClassification"/>). <paramref name="num_classes"/> null
    /// takes C from the input (the functional forms).
    /// </summary>
    public static LossTargets Check(Tensor input, Tensor target, long? num_classes, long ignore_index, string loss, bool check_range = true)
    {
        long c = num_classes ?? (input.dim() >= 2 ? input.shape[1] : 0);
        var t = InputValidation.CheckClassification(input, target, c, ignore_index, loss, check_range);
        return new LossTargets(t, c, ignore_index, loss);
    }
}
