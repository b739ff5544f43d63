using RecallKit.Vision.Configuration;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using RecallKit.Vision.Training.Hooks;

namespace RecallKit.Tests.Training;

public sealed class CheckpointHookTests
{
    private readonly RunDirectory run = new(Path.Combine(Path.GetTempPath(), "recallkit-checkpoint-hook"));

    [Fact]
    public void WritesLastCheckpointAtCheckpointAndEvaluationStepsWithTheBestSoFar()
    {
        var writer = new HookTestData.RecordingWriter();
        var best = new BestCheckpointHook(run, new HookTestData.RecordingWriter(), HookTestData.Classes, new TrainingProgress(0, 0.25, 0));
        ITrainingHook hook = new CheckpointHook(run, writer, best);
        foreach (var step in HookTestData.Steps(new ScheduleConfig { Iterations = 10, EvalEvery = 5, CheckpointEvery = 3, LogEvery = 1 }))
        {
            hook.AfterStep(step); // writes nothing: the step's evaluation comes first
            hook.OnStepEnd(step);
        }
        Assert.Equal([3, 5, 6, 9, 10], writer.Saved.Select(s => s.Progress.Iteration));
        Assert.All(writer.Saved, s => Assert.Equal(run.LastCheckpoint, s.Path));
        Assert.All(writer.Saved, s => Assert.Equal((0.25, 0, false), (s.Progress.BestMetric, s.Progress.BestIteration, s.Progress.EvaluationPending)));
    }

    [Fact]
    public void AStoppedRunsCheckpointRecordsAPendingEvaluation()
    {
        var writer = new HookTestData.RecordingWriter();
        var best = new BestCheckpointHook(run, new HookTestData.RecordingWriter(), HookTestData.Classes, new TrainingProgress(0, 0.5, 4));
        ITrainingHook hook = new CheckpointHook(run, writer, best);
        hook.OnStop(new StopContext(7, EvaluationPending: true));
        hook.OnStop(new StopContext(8, EvaluationPending: false));
        Assert.Equal([new TrainingProgress(7, 0.5, 4, true), new TrainingProgress(8, 0.5, 4, false)], writer.Saved.Select(s => s.Progress));
    }
}
