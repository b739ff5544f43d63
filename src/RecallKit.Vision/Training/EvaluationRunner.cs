using System.Diagnostics;
using RecallKit.Vision.Data;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Training.Hooks;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>
/// The evaluations of a training run: every rank evaluates its part of the split (counts summed over the ranks), the result
/// goes to the hooks (rank 0: log, TensorBoard, best checkpoint), and the time and collective traffic they took are kept
/// apart from the steps'.
/// </summary>
internal sealed class EvaluationRunner(ITrainingTask task, IBatchSource batches, Device device, Func<Tensor, Tensor>? count_reducer,
    IDistributed distributed, TrainingHooks hooks, CancellationToken local_cancellation, CancellationToken cancellation)
{
    /// <summary>The last evaluation, if any ran.</summary>
    public Evaluation? Last { get; private set; }

    /// <summary>Time spent evaluating.</summary>
    public TimeSpan Time { get; private set; } = TimeSpan.Zero;

    /// <summary>Collective traffic of the evaluations.</summary>
    public CollectiveTraffic Traffic { get; private set; } = CollectiveTraffic.None;

    /// <summary>Evaluates the model now.</summary>
    public Evaluation Evaluate()
    {
        var before = distributed.Traffic;
        var started = Stopwatch.GetTimestamp();
        Last = task.Evaluate(batches, device, local_cancellation, count_reducer);
        Time += Stopwatch.GetElapsedTime(started);
        Traffic = Traffic.Plus(distributed.Traffic.Since(before));
        return Last;
    }

    /// <summary>
    /// Evaluates after step <paramref name="at"/> and hands the result to the hooks; false when the evaluation was cancelled
    /// (single process only: with several ranks stopping is decided at step boundaries) — an interrupted evaluation is not recorded.
    /// </summary>
    public bool EvaluateAndRecord(int at)
    {
        Evaluation evaluation;
        try
        {
            evaluation = Evaluate();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return false;
        }
        hooks.AfterEvaluation(new EvaluationContext(at, evaluation));
        if (distributed.Size > 1) distributed.Barrier(); // rank 0 records alone; the others wait here
        return true;
    }
}
