using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Base of the class-weighted losses (as PyTorch's <c>_WeightedLoss</c>): optional per-class weights held as the registered
/// buffer <c>weight</c> [C] (float64 when created; <c>Module.to</c> moves and converts it).
/// </summary>
public abstract class WeightedClassificationLoss : ClassificationLoss, IAppliedClassWeights
{
    /// <param name="num_classes">C.</param>
    /// <param name="weight">Per-class weights (length C), or null for none.</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">The reduction.</param>
    /// <param name="persistent_weight">Whether <c>weight</c> is in <c>state_dict()</c>.</param>
    protected WeightedClassificationLoss(long num_classes, IReadOnlyList<double>? weight, long ignore_index, nn.Reduction reduction,
        bool persistent_weight = true) : base(num_classes, ignore_index, reduction)
    {
        RegisterClassBuffer(LossBuffers.Weight, weight is null ? null : LossBuffers.Create(weight), persistent_weight);
    }

    /// <summary>The <c>weight</c> buffer on the host, or null when the loss is unweighted.</summary>
    public double[]? applied_class_weights() => get_buffer(LossBuffers.Weight) is { } weight ? LossBuffers.HostValues(weight) : null;

    /// <summary>The <c>weight</c> buffer in the input's dtype, or null when the loss is unweighted.</summary>
    private protected Tensor? WeightFor(Tensor input) => ClassBufferFor(LossBuffers.Weight, input);

    /// <summary>
    /// Replaces the weights: null removes the buffer; new values are copied into an existing buffer, or a buffer is created
    /// in the dtype and on the device of <paramref name="like"/> (a buffer the module was moved with).
    /// </summary>
    private protected void SetWeight(IReadOnlyList<double>? values, Tensor like, bool persistent)
    {
        var old = get_buffer(LossBuffers.Weight);
        using var scope = NewDisposeScope();
        if (values is null)
        {
            ConditionallyRegisterBuffer(LossBuffers.Weight, null, persistent);
            old?.Dispose();
        }
        else if (old is not null)
        {
            using var _ = no_grad();
            old.copy_(tensor(values.ToArray(), dtype: ScalarType.Float64));
        }
        else
        {
            var created = tensor(values.ToArray(), dtype: ScalarType.Float64).to(like.dtype, like.device).DetachFromDisposeScope();
            register_buffer(LossBuffers.Weight, created, persistent);
        }
    }
}
