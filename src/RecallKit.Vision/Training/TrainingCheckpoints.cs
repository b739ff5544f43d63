using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training.Hooks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>
/// The checkpoints of a training run: saves the task's model and loss state and the optimiser's (never non-finite weights), and
/// loads them back for a resume after checking that the checkpoint belongs to this config and dataset.
/// </summary>
/// <param name="config">The run's configuration (recorded in every checkpoint; checked against a resumed one).</param>
/// <param name="task">Model, loss and classes of the run.</param>
/// <param name="optimizer">The run's optimiser.</param>
internal sealed class TrainingCheckpoints(TrainConfig config, ITrainingTask task, OptimizerHelper optimizer) : ICheckpointWriter
{
    private readonly nn.Module model = task.Model;
    private readonly nn.Module loss = task.Loss;
    private readonly DatasetClasses classes = task.Classes;

    /// <inheritdoc />
    public void Save(string path, TrainingProgress progress)
    {
        // A finite loss can still come with non-finite gradients (and skip_nonfinite hides the losses after it): never save such weights.
        using (var scope = NewDisposeScope())
        {
            var parameters = model.parameters().ToArray();
            if (parameters.Length > 0 && !stack(parameters.Select(p => p.detach().isfinite().all()).ToArray()).all().item<bool>())
                throw new NonFiniteLossException(
                    $"the model's weights became NaN or infinite at or before step {progress.Iteration}; {path} was not written, so the checkpoint on disk is the last good state. Lower optimizer.learning_rate or check the data; if the step differs from run to run, see docs/errors.md (CPU convolution kernels).");
        }

        using var checkpoint = RunCheckpoint.ForTraining(config, progress, classes, task.TrainingCounts, model, loss, optimizer);
        checkpoint.Save(path);
    }

    /// <summary>Loads the model, loss and optimiser state of <paramref name="path"/> and returns where the run was.</summary>
    /// <exception cref="InvalidDataException">The checkpoint holds another architecture, classes, head, stage, classifier or loss, or a config that breaks exact resumption.</exception>
    public TrainingProgress Load(string path)
    {
        using var checkpoint = Checkpoint.Load(path);
        var saved = ConfigLoader.FromJson(checkpoint.GetText(RunCheckpoint.Config));
        var savedClasses = ClassesJson.Parse(checkpoint.GetText(RunCheckpoint.Classes));
        if (saved.Model.Architecture != config.Model.Architecture || saved.Model.OutputStride != config.Model.OutputStride)
            throw new InvalidDataException(
                $"{path} holds a {saved.Model.Architecture} (output stride {saved.Model.OutputStride}) but the config asks for {config.Model.Architecture} (output stride {config.Model.OutputStride}).");
        if (!savedClasses.Names.SequenceEqual(classes.Names))
            throw new InvalidDataException(
                $"{path} was trained on {savedClasses.Count} classes ({string.Join(", ", savedClasses.Names)}) but the dataset has {classes.Count} ({string.Join(", ", classes.Names)}).");
        if (saved.Model.Head != config.Model.Head || saved.Model.Stage != config.Model.Stage || saved.Model.Classifier != config.Model.Classifier)
            throw new InvalidDataException(
                $"{path} was trained with head {saved.Model.Head}, stage {saved.Model.Stage}, classifier {saved.Model.Classifier}; the config asks for {config.Model.Head}, {config.Model.Stage}, {config.Model.Classifier}. Use another output directory.");
        if (!saved.Loss.Kinds.SequenceEqual(config.Loss.Kinds))
            throw new InvalidDataException(
                $"{path} was trained with loss {string.Join(" + ", saved.Loss.Kinds)} but the config asks for " +
                $"{string.Join(" + ", config.Loss.Kinds)}; use another output directory.");
        ResumeCompatibility.ThrowIfIncompatible(path, saved, config);
        RunCheckpoint.CheckModelKeys(checkpoint, path, model, $"{config.Model.Architecture} with {classes.Count} classes");
        checkpoint.Read(RunCheckpoint.Model, r => model.load(r));
        checkpoint.Read(RunCheckpoint.Loss, r => LossState.Load(loss, r, path));
        checkpoint.Read(RunCheckpoint.Optimizer, r => optimizer.load_state_dict(r));
        return TrainingProgress.FromJson(checkpoint.GetText(RunCheckpoint.Progress));
    }
}
