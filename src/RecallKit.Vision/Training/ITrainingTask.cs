using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training.Hooks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>
/// What differs between training a segmentation network and a classifier: how a batch becomes a loss, how a split is
/// evaluated, which parameters train. The <see cref="Trainer"/> owns everything else (loop, schedule, checkpoints, logs).
/// </summary>
public interface ITrainingTask
{
    /// <summary>The columns of eval_log.csv after the step: the names of <see cref="Evaluation.Values"/>.</summary>
    IReadOnlyList<string> EvaluationColumns { get; }

    /// <summary>The network (checkpoint section "model").</summary>
    nn.Module Model { get; }

    /// <summary>The loss with its state, e.g. the EMA recall (checkpoint section "loss").</summary>
    nn.Module Loss { get; }

    /// <summary>Class names, palette, ignore id.</summary>
    DatasetClasses Classes { get; }

    /// <summary>Training samples (classification) or pixels per class, when known; stored in checkpoints for many/medium/few metrics.</summary>
    IReadOnlyList<long>? TrainingCounts { get; }

    /// <summary>The parameters the optimiser updates.</summary>
    IEnumerable<Parameter> TrainableParameters();

    /// <summary>The scalar loss of one training batch (model in training mode).</summary>
    Tensor ComputeLoss(Tensor images, Tensor labels);

    /// <summary>
    /// What the task changes as the run goes on (e.g. deferred re-weighting from a step on), as hooks the trainer calls on every
    /// rank; they must act the same on every rank.
    /// </summary>
    IReadOnlyList<ITrainingHook> Hooks => [];

    /// <summary>The class weights the loss applied in its last call (<see cref="RecallKit.Losses.IAppliedClassWeights"/>), NaN for a loss without class weights.</summary>
    double[] LastClassWeights();

    /// <summary>Evaluates the model on every batch of <paramref name="source"/> (eval mode, restored afterwards).</summary>
    /// <param name="source">The batches (in a data-parallel run: this rank's part of the split).</param>
    /// <param name="device">Where the model runs.</param>
    /// <param name="cancellation">Stops the evaluation (<see cref="OperationCanceledException"/>).</param>
    /// <param name="count_reducer">Combines the int64 counts of every rank's part (a sum over the ranks); null with one process.</param>
    Evaluation Evaluate(IBatchSource source, Device device, CancellationToken cancellation, Func<Tensor, Tensor>? count_reducer = null);
}
