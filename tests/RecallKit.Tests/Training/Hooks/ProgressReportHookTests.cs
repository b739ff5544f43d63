using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;
using RecallKit.Vision.Training.Hooks;

namespace RecallKit.Tests.Training;

public sealed class ProgressReportHookTests
{
    private sealed class Recorder : IProgress<TrainingStatus>
    {
        public List<TrainingStatus> Statuses { get; } = [];

        public void Report(TrainingStatus value) => Statuses.Add(value);
    }

    [Fact]
    public void ReportsEveryStepWithTheLastLoggedLossAndTheRate()
    {
        var recorder = new Recorder();
        ITrainingHook hook = new ProgressReportHook(recorder, Path.Combine("runs", "recall", "seed-0"), 4, 8);
        foreach (var step in HookTestData.Steps(new ScheduleConfig { Iterations = 4, LogEvery = 2 }, loss: i => i % 2 == 0 ? i : float.NaN))
            hook.AfterStep(step);
        Assert.Equal([1, 2, 3, 4], recorder.Statuses.Select(s => s.Iteration));
        Assert.All(recorder.Statuses, s => Assert.Equal(("recall/seed-0", 4, 8.0), (s.Run, s.Total, s.ImagesPerSecond)));
        Assert.True(double.IsNaN(recorder.Statuses[0].Loss));
        Assert.Equal([2.0, 2.0, 4.0], recorder.Statuses.Skip(1).Select(s => s.Loss));
        Assert.Equal(0.01 / 3, recorder.Statuses[2].LearningRate, 15);
    }
}
