using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;
using RecallKit.Vision.Training.Hooks;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

public sealed class NonFiniteCheckTests
{
    private static readonly ScheduleConfig Schedule = new() { Iterations = 12, LogEvery = 5, EvalEvery = 0, CheckpointEvery = 100 };

    [Fact]
    public void AFiniteRunPassesEveryStepAndTheStop()
    {
        using var check = new NonFiniteCheck(CPU, "runs/x");
        foreach (var step in HookTestData.Steps(Schedule)) ((ITrainingHook)check).AfterStep(step);
        ((ITrainingHook)check).OnStop(new StopContext(12, false));
    }

    [Fact]
    public void ASetFlagThrowsAtTheNextStepThatLogsEvaluatesOrCheckpointsNamingIt()
    {
        using var check = new NonFiniteCheck(CPU, "runs/x");
        var steps = HookTestData.Steps(Schedule).ToArray();
        ((ITrainingHook)check).AfterStep(steps[0]);
        check.Flag.logical_or_(tensor(new[] { true }));
        for (int i = 1; i < 4; i++) ((ITrainingHook)check).AfterStep(steps[i]); // steps 2–4 read no flag
        var e = Assert.Throws<NonFiniteLossException>(() => ((ITrainingHook)check).AfterStep(steps[4]));
        Assert.StartsWith("the loss became NaN or infinite at or before step 5; stopped without writing a checkpoint, so runs/x/last.ckpt", e.Message);
        Assert.Contains("at or before step 7", Assert.Throws<NonFiniteLossException>(() => ((ITrainingHook)check).OnStop(new StopContext(7, false))).Message);
    }
}
