using System.Runtime;

namespace RecallKit.Vision.Training;

/// <summary>
/// Runs a training step without garbage collection. TorchSharp 0.107 passes temporary <c>Scalar</c>s to native calls without
/// keeping them alive, and frees them in their finalizers; a collection during such a call can let the finalizer free a value
/// libtorch is still reading. The race is real: a CI run failed with "Unknown scalar type" from <c>at::native::mul</c> under
/// <c>tensor * 3</c> in test code outside the trainer (tests/RecallKit.Tests/Support/Tensors.cs). RecallKit's own code no
/// longer makes such temporaries — rule RK0001 (analyzers/RecallKit.Analyzers, docs/architecture.md) rejects them at build
/// time — but TorchSharp makes some where no caller can hold them (an optimiser's <c>alpha</c>, BatchNorm's
/// <c>num_batches_tracked.add_(1)</c>, <c>softplus</c>); the region rules those out for the step. (Random NaN gradients once
/// blamed on this race came from oneDNN's AVX-512 convolution kernels, docs/errors.md.)
/// </summary>
internal readonly struct NoCollectionRegion : IDisposable
{
    /// <summary>Managed bytes a step may allocate (tensor wrappers, small arrays); beyond it the region ends early and collects.</summary>
    private const long Budget = 128L * 1024 * 1024;

    private readonly bool started;

    private NoCollectionRegion(bool started) => this.started = started;

    /// <summary>Starts the region (collecting first if the budget is not free); no-op when a region is already active.</summary>
    public static NoCollectionRegion Enter()
    {
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return default;
        try
        {
            return new NoCollectionRegion(GC.TryStartNoGCRegion(Budget));
        }
        catch (ArgumentOutOfRangeException)
        {
            return default; // the budget exceeds what this GC configuration allows: run unprotected rather than fail
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The region ends by itself when a step allocated more than the budget; EndNoGCRegion would then throw.
        if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
    }
}
