using RecallKit.Vision.RunFiles;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training.Hooks;

/// <summary>
/// Stops the run with <see cref="NonFiniteLossException"/> when a loss became NaN or infinite. The steps only set a flag on the
/// device (no host sync); the flag is read at steps that log, evaluate or checkpoint, and before the checkpoint of a stopped
/// run, so that no checkpoint ever holds the weights of a broken step. Runs on every rank (the flag is the same on all).
/// </summary>
public sealed class NonFiniteCheck : ITrainingHook, IDisposable
{
    private readonly string output;

    /// <param name="device">Where the flag lives (the training device).</param>
    /// <param name="output">The run directory, named in the message.</param>
    public NonFiniteCheck(Device device, string output)
    {
        this.output = output;
        Flag = zeros(1, dtype: ScalarType.Bool, device: device).DetachFromDisposeScope();
    }

    /// <summary>A one-element bool tensor; a step ORs "my loss was not finite" into it.</summary>
    public Tensor Flag { get; }

    /// <inheritdoc />
    public void AfterStep(StepContext step)
    {
        if (step.IsSyncPoint) ThrowIfSet(step.Iteration);
    }

    /// <inheritdoc />
    public void OnStop(StopContext stop) => ThrowIfSet(stop.Iteration); // never replace the last good checkpoint with broken weights

    /// <summary>Throws when a loss was not finite at or before <paramref name="iteration"/>.</summary>
    /// <exception cref="NonFiniteLossException">The flag is set.</exception>
    public void ThrowIfSet(int iteration)
    {
        if (Flag.item<bool>())
            throw new NonFiniteLossException(
                $"the loss became NaN or infinite at or before step {iteration}; stopped without writing a checkpoint, so {output}/{RunDirectory.LastCheckpointFile} (if one was written before) is the last good state. Lower optimizer.learning_rate or check the data; if the step differs from run to run, see docs/errors.md (CPU convolution kernels).");
    }

    /// <inheritdoc />
    public void Dispose() => Flag.Dispose();
}
