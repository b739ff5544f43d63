using RecallKit.Tests.Support;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using RecallKit.Vision.Training.Hooks;

namespace RecallKit.Tests.Training;

public sealed class BestCheckpointHookTests() : TempDirectoryTest("recallkit-best-")
{
    [Fact]
    public void KeepsTheBestMetricAndWritesBestMetricsJsonOnlyOnImprovement()
    {
        var run = new RunDirectory(dir);
        var writer = new HookTestData.RecordingWriter();
        var hook = new BestCheckpointHook(run, writer, HookTestData.Classes, TrainingProgress.Start);
        var bestMetrics = run.Combine("best_metrics.json");
        Assert.True(double.IsNaN(hook.BestMetric));

        (int Step, int Correct, bool Improves)[] evaluations = [(2, 3, true), (4, 5, true), (6, 5, false), (8, 4, false), (10, 7, true)];
        foreach (var (step, correct, improves) in evaluations)
        {
            File.Delete(bestMetrics);
            ((ITrainingHook)hook).AfterEvaluation(new EvaluationContext(step, HookTestData.Top1(correct)));
            Assert.Equal(improves, File.Exists(bestMetrics));
            if (improves) Assert.Equal(step, MetricsRecord.Read(bestMetrics).Step);
        }

        Assert.Equal(0.7, hook.BestMetric, 12);
        Assert.Equal(10, hook.BestIteration);
        Assert.Equal([2, 4, 10], writer.Saved.Select(s => s.Progress.Iteration));
        Assert.All(writer.Saved, s => Assert.Equal(run.BestCheckpoint, s.Path));
        Assert.Equal(new TrainingProgress(4, 0.5, 4), writer.Saved[1].Progress);
        Assert.Equal(0.7, MetricsRecord.Read(bestMetrics).Top1!.Value, 12);
    }

    [Fact]
    public void AResumedRunKeepsItsBestAndATieIsNoImprovement()
    {
        var writer = new HookTestData.RecordingWriter();
        var hook = new BestCheckpointHook(new RunDirectory(dir), writer, HookTestData.Classes, new TrainingProgress(20, 0.6, 10));
        ((ITrainingHook)hook).AfterEvaluation(new EvaluationContext(30, HookTestData.Top1(6)));
        Assert.Empty(writer.Saved);
        Assert.Equal((0.6, 10), (hook.BestMetric, hook.BestIteration));
        Assert.Equal(new TrainingProgress(30, 0.6, 10, EvaluationPending: true), hook.ProgressAt(30, evaluationPending: true));
    }
}
