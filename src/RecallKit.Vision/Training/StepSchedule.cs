using RecallKit.Vision.Configuration;

namespace RecallKit.Vision.Training;

/// <summary>Which steps log, evaluate and checkpoint (<c>schedule.*_every</c>); a step is counted once it has completed.</summary>
/// <param name="schedule">The run's schedule.</param>
public sealed class StepSchedule(ScheduleConfig schedule)
{
    /// <summary>The step writes a row of train_log.csv.</summary>
    public bool Logs(int iteration) => iteration % schedule.LogEvery == 0;

    /// <summary>The model is evaluated after the step: every <c>eval_every</c> steps (0: never) and after the last one.</summary>
    public bool Evaluates(int iteration) => iteration == schedule.Iterations || (schedule.EvalEvery > 0 && iteration % schedule.EvalEvery == 0);

    /// <summary>last.ckpt is written after the step (it also is after every evaluation).</summary>
    public bool Checkpoints(int iteration) => iteration % schedule.CheckpointEvery == 0;
}
