namespace RecallKit.Vision.Configuration;

/// <summary>Length of training, learning-rate schedule and cadence of evaluation, logging and checkpoints.</summary>
public sealed record ScheduleConfig
{
    /// <summary>Total optimisation steps.</summary>
    [MayChangeOnResume("extends or shortens the run: the poly learning rate (and LDAM's deferred re-weighting start, a fraction of it) "
        + "is recomputed for the new length from the resumed step on", ChangesRecordedResults = true)]
    public int Iterations { get; init; } = 1500;

    /// <summary>Linear warm-up steps from 0 to the base learning rate.</summary>
    public int WarmupIterations { get; init; }

    /// <summary>Poly decay power: lr = base·(1 − t/T)^power after warm-up.</summary>
    public double PolyPower { get; init; } = 0.9;

    /// <summary>Evaluate on the validation split every this many steps (and at the end); 0 = only at the end.</summary>
    [MayChangeOnResume("only when the model is evaluated", ChangesRecordedResults = true)]
    public int EvalEvery { get; init; } = 500;

    /// <summary>Log loss, learning rate and recall weights every this many steps.</summary>
    [MayChangeOnResume("only how often progress is logged")]
    public int LogEvery { get; init; } = 25;

    /// <summary>Write the "last" checkpoint every this many steps (and at every evaluation and at the end).</summary>
    [MayChangeOnResume("only how often checkpoints are written")]
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>
    /// Skip (and count) a batch whose loss or gradient is NaN or infinite instead of stopping the run: no optimiser step is
    /// taken for it. Costs two host syncs per step.
    /// Off by default: a non-finite loss stops the run at the next log step and keeps the last good checkpoint.
    /// </summary>
    public bool SkipNonfinite { get; init; }

    /// <summary>Range checks of the schedule's keys.</summary>
    public void Validate(ConfigProblems problems)
    {
        problems.Require(Iterations >= 1, c => c.Schedule.Iterations, Iterations, "≥ 1");
        problems.Require(WarmupIterations >= 0 && WarmupIterations < Iterations, c => c.Schedule.WarmupIterations, WarmupIterations, "in [0, iterations)");
        problems.Require(PolyPower >= 0, c => c.Schedule.PolyPower, PolyPower, "≥ 0");
        problems.Require(EvalEvery >= 0, c => c.Schedule.EvalEvery, EvalEvery, "≥ 0");
        problems.Require(LogEvery >= 1, c => c.Schedule.LogEvery, LogEvery, "≥ 1");
        problems.Require(CheckpointEvery >= 1, c => c.Schedule.CheckpointEvery, CheckpointEvery, "≥ 1");
    }
}
