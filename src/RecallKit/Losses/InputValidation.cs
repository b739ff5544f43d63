using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Checks that run on the host before any libtorch kernel sees the tensors, so bad input becomes an
/// <see cref="ArgumentException"/> that names what is wrong instead of a native abort.
/// </summary>
internal static class InputValidation
{
    /// <summary>Validates logits <c>[N,C,d…]</c> against targets <c>[N,d…]</c> and returns the targets as int64.</summary>
    public static Tensor CheckClassification(Tensor input, Tensor target, long num_classes, long ignore_index, string loss,
        bool check_range = true)
    {
        if (!input.is_floating_point())
            throw new ArgumentException($"{loss}: input must be floating point logits, got dtype {input.dtype}.", nameof(input));
        if (!IsIntegral(target.dtype))
            throw new ArgumentException($"{loss}: target must hold integer class ids, got dtype {target.dtype}.", nameof(target));
        if (input.dim() < 2)
            throw new ArgumentException($"{loss}: input must be [N,C] or [N,C,d1,…], got shape {Shape(input)}.", nameof(input));
        var expected = input.shape.Where((_, i) => i != 1).ToArray();
        if (!target.shape.SequenceEqual(expected))
            throw new ArgumentException(
                $"{loss}: target shape {Shape(target)} does not match input shape {Shape(input)}; expected target shape {Shape(expected)}.",
                nameof(target));
        if (input.shape[1] != num_classes)
            throw new ArgumentException(
                $"{loss}: input has C = {input.shape[1]} classes in dim 1 (shape {Shape(input)}) but num_classes = {num_classes}.",
                nameof(input));
        if (input.device.type != target.device.type)
            throw new ArgumentException($"{loss}: input is on {input.device} but target is on {target.device}.", nameof(target));
        var t = target.dtype == ScalarType.Int64 ? target : target.to_type(ScalarType.Int64);
        if (check_range) CheckTargetRange(t, num_classes, ignore_index, loss);
        return t;
    }

    /// <summary>One min/max reduction over the non-ignored targets (a single host sync), never a per-element loop.</summary>
    public static void CheckTargetRange(Tensor target, long num_classes, long ignore_index, string loss)
    {
        using var scope = NewDisposeScope();
        using var ignore = ignore_index.ToScalar();
        CheckSafeTargetRange(target.masked_fill(target.eq(ignore), Scalars.Zero), num_classes, ignore_index, loss);
    }

    /// <summary>The range check on targets whose ignored positions are already replaced by 0.</summary>
    public static void CheckSafeTargetRange(Tensor safe_target, long num_classes, long ignore_index, string loss)
    {
        if (safe_target.numel() == 0) return;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (min, max) = aminmax(safe_target);
        var bounds = stack([min, max]).cpu().data<long>().ToArray();
        foreach (var value in bounds)
            if (value < 0 || value >= num_classes)
                throw TargetOutOfRange(value, num_classes, ignore_index, loss);
    }

    /// <summary>The error for a target class id outside [0, C) that is not <c>ignore_index</c>.</summary>
    public static ArgumentException TargetOutOfRange(long value, long num_classes, long ignore_index, string loss) =>
        new($"{loss}: target contains class id {value}, outside [0, {num_classes}) and not ignore_index ({ignore_index}).", "target");

    public static bool IsIntegral(ScalarType dtype) => dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16
        or ScalarType.Int8 or ScalarType.Byte;

    public static string Shape(Tensor t) => Shape(t.shape);

    public static string Shape(long[] shape) => "[" + string.Join(",", shape) + "]";
}
