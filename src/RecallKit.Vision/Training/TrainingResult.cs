using RecallKit.Metrics;
using RecallKit.Vision.Distributed;

namespace RecallKit.Vision.Training;

/// <summary>The outcome of <see cref="Trainer.Run"/>.</summary>
/// <param name="Directory">The run directory.</param>
/// <param name="Iterations">Steps completed.</param>
/// <param name="Completed">False when stopped early (cancellation).</param>
/// <param name="Evaluation">The last evaluation, if any.</param>
/// <param name="BestMetric">Best validation mIoU (segmentation) or top-1 accuracy (classification).</param>
/// <param name="BestIteration">Step of the best validation result.</param>
public sealed record TrainingResult(string Directory, int Iterations, bool Completed, Evaluation? Evaluation, double BestMetric, int BestIteration)
{
    /// <summary>Optimisation steps this call ran (fewer than <see cref="Iterations"/> when it resumed a run).</summary>
    public int Steps { get; init; }

    /// <summary>Wall time of those steps, evaluations excluded.</summary>
    public TimeSpan StepTime { get; init; }

    /// <summary>Collectives of those steps (gradient and count all-reduces; nothing with one process), evaluations excluded.</summary>
    public CollectiveTraffic StepTraffic { get; init; } = CollectiveTraffic.None;

    /// <summary>Metrics of the last evaluation, if any.</summary>
    public ConfusionMetrics? Final => Evaluation?.Metrics;

    /// <summary>The optimiser's parameter groups after the last step: name, tensors, learning rate it last applied.</summary>
    public IReadOnlyList<OptimizerGroupState> OptimizerGroups { get; init; } = [];
}
