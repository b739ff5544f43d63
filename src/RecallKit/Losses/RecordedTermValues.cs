using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// The term values a loss kept of its last call (<see cref="ILossTermValues"/>): a detached tensor owned here, outside every
/// dispose scope, replaced by the next call and freed with the loss. Not a tensor field of the module, so never a buffer.
/// </summary>
internal sealed class RecordedTermValues : IDisposable
{
    private Tensor? values;

    /// <summary>Keeps a detached copy of <paramref name="terms"/> (scalars, stacked), or nothing when one is not a scalar.</summary>
    public void Record(IReadOnlyList<Tensor> terms)
    {
        values?.Dispose();
        values = null;
        if (terms.Any(t => t.dim() != 0)) return;
        using var scope = NewDisposeScope();
        values = stack(terms.Select(t => t.detach()).ToArray()).DetachFromDisposeScope();
    }

    /// <summary>A new tensor with the kept values (the caller disposes it), or null.</summary>
    public Tensor? Copy() => values?.clone();

    /// <inheritdoc />
    public void Dispose()
    {
        values?.Dispose();
        values = null;
    }
}
