using RecallKit.Metrics;
using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training.Hooks;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

/// <summary>Evaluations, steps and a recording checkpoint writer for driving one hook without a model.</summary>
internal static class HookTestData
{
    public static readonly DatasetClasses Classes = new(["road", "person"], [(0, 0, 0), (1, 1, 1)], 255);

    /// <summary>A classification evaluation whose top-1 accuracy (the selection metric) is <paramref name="correct"/> of 10 images.</summary>
    public static Evaluation Top1(int correct) =>
        new ClassificationEvaluation(ConfusionMetrics.FromMatrix(new long[,] { { correct, 10 - correct }, { 0, 0 } }), Top5: 1);

    /// <summary>A segmentation evaluation (mIoU, mean accuracy, … from a small confusion matrix).</summary>
    public static Evaluation Segmentation() =>
        new SegmentationEvaluation(ConfusionMetrics.FromMatrix(new long[,] { { 6, 2 }, { 1, 3 } }));

    /// <summary>The step contexts of steps 1…<c>schedule.iterations</c> as the trainer builds them.</summary>
    public static IEnumerable<StepContext> Steps(ScheduleConfig schedule, Func<int, float>? loss = null)
    {
        var steps = new StepSchedule(schedule);
        for (int i = 1; i <= schedule.Iterations; i++)
            yield return new StepContext(i, loss?.Invoke(i) ?? float.NaN, 0.01 / i, steps.Logs(i), steps.Evaluates(i), steps.Checkpoints(i), i,
                TimeSpan.FromSeconds(i));
    }

    /// <summary>Records every save instead of writing a checkpoint.</summary>
    public sealed class RecordingWriter : ICheckpointWriter
    {
        public List<(string Path, TrainingProgress Progress)> Saved { get; } = [];

        public void Save(string path, TrainingProgress progress) => Saved.Add((path, progress));
    }
}
