using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Base of the classification losses (as PyTorch's <c>_Loss</c>): holds C, <c>ignore_index</c> and the reduction, validates
/// the input, and owns the per-class buffers [C] of its loss — their device is checked before any host read of the input,
/// <c>Module.to</c> converts all of them (the non-persistent ones too) and they are read back by name on every use.
/// The math is in <see cref="functional"/>; a loss's <c>forward</c> passes its buffers to its functional form.
/// </summary>
public abstract class ClassificationLoss : Loss<Tensor, Tensor, Tensor>
{
    private readonly List<(string name, bool persistent)> classBuffers = [];

    /// <param name="num_classes">C, the size of dim 1 of the logits.</param>
    /// <param name="ignore_index">Target value of positions that take no part in the loss.</param>
    /// <param name="reduction">The reduction.</param>
    protected ClassificationLoss(long num_classes, long ignore_index, nn.Reduction reduction) : base(reduction)
    {
        this.num_classes = num_classes;
        this.ignore_index = ignore_index;
    }

    /// <summary>C.</summary>
    public long num_classes { get; }

    /// <summary>Ignored target value.</summary>
    public long ignore_index { get; }

    /// <summary>Name of the loss in error messages.</summary>
    private protected string LossName => GetType().Name;

    /// <summary>Registers (or, with a null value, only declares) a per-class buffer converted by <c>Module.to</c>.</summary>
    private protected void RegisterClassBuffer(string name, Tensor? value, bool persistent = true)
    {
        if (!classBuffers.Any(b => b.name == name)) classBuffers.Add((name, persistent));
        if (value is not null) register_buffer(name, value, persistent);
    }

    /// <summary>The buffer <paramref name="name"/> for use with <paramref name="input"/> (in its dtype), or null when it is not registered.</summary>
    private protected Tensor? ClassBufferFor(string name, Tensor input) =>
        get_buffer(name) is { } buffer ? LossBuffers.For(buffer, input, name, LossName) : null;

    /// <summary>The registered buffers, checked to be on the input's device, then the validated targets.</summary>
    internal LossTargets Targets(Tensor input, Tensor target, bool check_range = true)
    {
        foreach (var (name, _) in classBuffers)
            if (get_buffer(name) is { } buffer) LossBuffers.CheckDevice(buffer, input, name, LossName);
        return LossTargets.Check(input, target, num_classes, ignore_index, LossName, check_range);
    }

    /// <summary>Converts the per-class buffers (TorchSharp's own conversion skips non-persistent ones), then the rest as usual.</summary>
    protected override void _toEpilog(ScalarType? dtype, Device? device, bool non_blocking)
    {
        LossBuffers.Convert(this, classBuffers, dtype, device, non_blocking, ConditionallyRegisterBuffer);
        base._toEpilog(dtype, device, non_blocking);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        // The base class only disposes persistent buffers.
        if (disposing)
            foreach (var (name, persistent) in classBuffers)
                if (!persistent) get_buffer(name)?.Dispose();
        base.Dispose(disposing);
    }
}
