using RecallKit.Vision.Data;
using RecallKit.Vision.RunFiles;

namespace RecallKit.Vision.Training.Hooks;

/// <summary>Writes metrics.json (rank 0) with the last evaluation when the run completes.</summary>
/// <param name="run">The run directory.</param>
/// <param name="classes">The dataset's classes (per-class metrics).</param>
public sealed class FinalMetricsHook(RunDirectory run, DatasetClasses classes) : ITrainingHook
{
    /// <inheritdoc />
    public void OnComplete(EvaluationContext final) =>
        File.WriteAllText(run.Metrics, final.Evaluation.ToRecord(final.Iteration, classes).ToJson());
}
