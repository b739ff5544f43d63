using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

public sealed class StepScheduleTests
{
    [Fact]
    public void LogsEvaluatesAndCheckpointsAtTheConfiguredStepsAndEvaluatesTheLastStep()
    {
        var steps = new StepSchedule(new ScheduleConfig { Iterations = 10, LogEvery = 4, EvalEvery = 6, CheckpointEvery = 3 });
        var range = Enumerable.Range(1, 10).ToArray();
        Assert.Equal([4, 8], range.Where(steps.Logs));
        Assert.Equal([6, 10], range.Where(steps.Evaluates));
        Assert.Equal([3, 6, 9], range.Where(steps.Checkpoints));
    }

    [Fact]
    public void EvalEveryZeroEvaluatesOnlyTheLastStep()
    {
        var steps = new StepSchedule(new ScheduleConfig { Iterations = 7, EvalEvery = 0 });
        Assert.Equal([7], Enumerable.Range(1, 7).Where(steps.Evaluates));
    }
}
