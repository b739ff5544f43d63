using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using TorchSharp;

namespace RecallKit.Vision.RunFiles;

/// <summary>
/// The one place that lays out a run's checkpoint: config, progress, classes (with training counts), the model's key list
/// and weights, and — for a training checkpoint — the loss and optimiser state. Trainer, τ-normalisation and export use it.
/// </summary>
public static class RunCheckpoint
{
    /// <summary>Section names: the one place they are spelled.</summary>
    public const string Config = "config", Progress = "progress", Classes = "classes", Model = "model", Loss = "loss", Optimizer = "optimizer";

    /// <summary>Section holding the model's state names and shapes (<see cref="ModelKeys.Describe"/>).</summary>
    public const string ModelKeyShapes = "model_keys";

    /// <summary>A checkpoint of <paramref name="model"/>; <paramref name="skip"/> leaves state keys out (e.g. an SDN's head g on export).</summary>
    public static Checkpoint Create(TrainConfig config, TrainingProgress progress, DatasetClasses classes, IReadOnlyList<long>? training_counts,
        torch.nn.Module model, IReadOnlyList<string>? skip = null)
    {
        var checkpoint = new Checkpoint();
        checkpoint.SetText(Config, ConfigLoader.ToJson(config));
        checkpoint.SetText(Progress, progress.ToJson());
        checkpoint.SetText(Classes, ClassesJson.Serialize(classes, training_counts));
        checkpoint.SetText(ModelKeyShapes, ModelKeys.Describe(model, skip));
        checkpoint.Set(Model, w => model.save(w, skip?.ToList()));
        return checkpoint;
    }

    /// <summary>A training checkpoint: <see cref="Create"/> plus the loss's state (e.g. the EMA recall) and the optimiser's.</summary>
    public static Checkpoint ForTraining(TrainConfig config, TrainingProgress progress, DatasetClasses classes, IReadOnlyList<long>? training_counts,
        torch.nn.Module model, torch.nn.Module loss, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        var checkpoint = Create(config, progress, classes, training_counts, model);
        checkpoint.Set(Loss, w => loss.save(w));
        checkpoint.Set(Optimizer, w => optimizer.save_state_dict(w));
        return checkpoint;
    }

    /// <summary>
    /// Throws an <see cref="InvalidDataException"/> naming every difference between the model keys stored in
    /// <paramref name="checkpoint"/> and <paramref name="model"/>'s; checkpoints of versions that stored none are not checked.
    /// </summary>
    /// <param name="checkpoint">The loaded checkpoint.</param>
    /// <param name="path">Its path, for the message.</param>
    /// <param name="model">The network about to receive the weights.</param>
    /// <param name="what">What the network is, for the message.</param>
    public static void CheckModelKeys(Checkpoint checkpoint, string path, torch.nn.Module model, string what) =>
        ModelKeys.Check(path, checkpoint.Has(ModelKeyShapes) ? checkpoint.GetText(ModelKeyShapes) : null, model, what);
}
