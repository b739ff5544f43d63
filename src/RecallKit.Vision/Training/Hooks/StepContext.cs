namespace RecallKit.Vision.Training.Hooks;

/// <summary>A finished optimisation step, as the hooks see it.</summary>
/// <param name="Iteration">Steps completed, this one included.</param>
/// <param name="Loss">The step's loss when it is a log step (NaN otherwise, or when the batch was skipped as non-finite).</param>
/// <param name="LearningRate">The base learning rate of the step.</param>
/// <param name="Logs">A log step (<c>schedule.log_every</c>).</param>
/// <param name="Evaluates">An evaluation step (<c>schedule.eval_every</c>, and the last step).</param>
/// <param name="Checkpoints">A checkpoint step (<c>schedule.checkpoint_every</c>).</param>
/// <param name="StepsThisRun">Steps run by this call of <see cref="Trainer.Run"/> (fewer than <paramref name="Iteration"/> after a resume).</param>
/// <param name="Elapsed">Wall time since this call of <see cref="Trainer.Run"/> started.</param>
public sealed record StepContext(int Iteration, float Loss, double LearningRate, bool Logs, bool Evaluates, bool Checkpoints, int StepsThisRun,
    TimeSpan Elapsed)
{
    /// <summary>
    /// On a log step of a loss with several terms: each term's unweighted value (the columns <see cref="RunFiles.LogColumns.LossTerm"/>), NaN
    /// for a skipped batch; empty otherwise.
    /// </summary>
    public IReadOnlyList<double> LossTerms { get; init; } = [];

    /// <summary>The step checks the loss for non-finite values: it logs, evaluates or checkpoints.</summary>
    public bool IsSyncPoint => Logs || Evaluates || Checkpoints;
}
