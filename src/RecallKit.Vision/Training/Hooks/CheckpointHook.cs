using RecallKit.Vision.RunFiles;

namespace RecallKit.Vision.Training.Hooks;

/// <summary>
/// Writes last.ckpt (rank 0) after every checkpoint step and every evaluation step, after a resumed run's pending evaluation,
/// and when the run stops early (then with the pending evaluation recorded, so that a resumed run evaluates that step first).
/// </summary>
/// <param name="run">The run directory (last.ckpt).</param>
/// <param name="checkpoints">Saves the run's state.</param>
/// <param name="best">The best result so far, recorded in every checkpoint.</param>
public sealed class CheckpointHook(RunDirectory run, ICheckpointWriter checkpoints, BestCheckpointHook best) : ITrainingHook
{
    /// <inheritdoc />
    public void OnStepEnd(StepContext step)
    {
        if (step.Evaluates || step.Checkpoints) checkpoints.Save(run.LastCheckpoint, best.ProgressAt(step.Iteration));
    }

    /// <inheritdoc />
    public void OnStop(StopContext stop) => checkpoints.Save(run.LastCheckpoint, best.ProgressAt(stop.Iteration, stop.EvaluationPending));
}
