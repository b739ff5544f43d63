using RecallKit.Tests.Support;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using RecallKit.Vision.Training.Hooks;

namespace RecallKit.Tests.Training;

public sealed class FinalMetricsHookTests() : TempDirectoryTest("recallkit-final-")
{
    [Fact]
    public void WritesMetricsJsonOnCompletionOnly()
    {
        var run = new RunDirectory(dir);
        ITrainingHook hook = new FinalMetricsHook(run, HookTestData.Classes);
        var evaluation = HookTestData.Segmentation();
        hook.AfterEvaluation(new EvaluationContext(4, evaluation));
        hook.OnStop(new StopContext(4, false));
        Assert.False(File.Exists(run.Metrics));
        hook.OnComplete(new EvaluationContext(8, evaluation));
        var written = MetricsRecord.Read(run.Metrics);
        Assert.Equal(8, written.Step);
        Assert.Equal(evaluation.Metrics.MeanIoU, written.MeanIou!.Value, 12);
        Assert.Equal(["road", "person"], written.Classes.Select(c => c.Name));
    }
}
