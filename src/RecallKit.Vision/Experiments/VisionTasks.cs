using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using RecallKit.Vision.Reports;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Tasks;

namespace RecallKit.Vision.Experiments;

/// <summary>
/// The one place that chooses a task: from a config's <c>data.kind</c>, a model's architecture or a recorded task kind.
/// (Which task a dataset kind or an architecture belongs to is declared beside them: <see cref="DatasetKinds.Task"/>,
/// <see cref="ArchitectureInfo.Task"/>.)
/// </summary>
public static class VisionTasks
{
    private static readonly IReadOnlyDictionary<TaskKind, IVisionTask> Tasks = new Dictionary<TaskKind, IVisionTask>
    {
        [TaskKind.Segmentation] = new SegmentationVisionTask(),
        [TaskKind.Classification] = new ClassificationVisionTask(),
    };

    /// <summary>The task of <paramref name="kind"/>.</summary>
    public static IVisionTask For(TaskKind kind) => Tasks[kind];

    /// <summary>The task a config trains (its <c>data.kind</c>; validation has checked that the architecture agrees).</summary>
    public static IVisionTask For(TrainConfig config) => For(config.Data.Kind.Task());

    /// <summary>The task a trained model solves (its architecture).</summary>
    public static IVisionTask For(Architecture architecture) => For(architecture.Task());

    /// <summary>The report of the runs of <paramref name="kind"/> (what the comparison report needs from a task).</summary>
    public static TaskReport Report(TaskKind kind) => For(kind).Report;
}
