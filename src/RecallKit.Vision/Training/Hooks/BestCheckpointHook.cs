using RecallKit.Vision.Data;
using RecallKit.Vision.RunFiles;

namespace RecallKit.Vision.Training.Hooks;

/// <summary>
/// Keeps the best validation result (<see cref="Evaluation.Selection"/>: mIoU or top-1) and, on every improvement (rank 0),
/// writes best.ckpt and best_metrics.json. A tie is not an improvement: the earlier step stays the best.
/// </summary>
public sealed class BestCheckpointHook : ITrainingHook
{
    private readonly RunDirectory run;
    private readonly ICheckpointWriter checkpoints;
    private readonly DatasetClasses classes;

    /// <param name="run">The run directory (best.ckpt, best_metrics.json).</param>
    /// <param name="checkpoints">Saves the run's state.</param>
    /// <param name="classes">The dataset's classes (per-class metrics in best_metrics.json).</param>
    /// <param name="start">Where the run starts (a resumed run's best so far).</param>
    public BestCheckpointHook(RunDirectory run, ICheckpointWriter checkpoints, DatasetClasses classes, TrainingProgress start)
    {
        this.run = run;
        this.checkpoints = checkpoints;
        this.classes = classes;
        BestMetric = start.BestMetric;
        BestIteration = start.BestIteration;
    }

    /// <summary>The best selection metric so far (NaN before the first evaluation).</summary>
    public double BestMetric { get; private set; }

    /// <summary>The step of <see cref="BestMetric"/>.</summary>
    public int BestIteration { get; private set; }

    /// <summary>The progress record of a checkpoint at <paramref name="iteration"/>, with the best result so far.</summary>
    public TrainingProgress ProgressAt(int iteration, bool evaluationPending = false) => new(iteration, BestMetric, BestIteration, evaluationPending);

    /// <inheritdoc />
    public void AfterEvaluation(EvaluationContext evaluation)
    {
        var result = evaluation.Evaluation;
        if (!double.IsNaN(BestMetric) && !(result.Selection > BestMetric)) return;
        BestMetric = result.Selection;
        BestIteration = evaluation.Iteration;
        checkpoints.Save(run.BestCheckpoint, ProgressAt(evaluation.Iteration));
        File.WriteAllText(run.BestMetrics, result.ToRecord(evaluation.Iteration, classes).ToJson());
    }
}
