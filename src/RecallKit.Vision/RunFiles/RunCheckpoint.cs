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
    /// <summary>Section names.</summary>
    public const string Config = "config", Progress = "progress", Classes = "classes", Model = "model", Loss = "loss", Optimizer = "optimizer";

    /// <summary>A checkpoint of <paramref name="model"/>; <paramref name="skip"/> leaves state keys out (e.g. an SDN's head g on export).</summary>
    public static Checkpoint Create(TrainConfig config, TrainingProgress progress, DatasetClasses classes, IReadOnlyList<long>? training_counts,
        torch.nn.Module model, IReadOnlyList<string>? skip = null)
    {
        var checkpoint = new Checkpoint();
        checkpoint.SetText(Config, ConfigLoader.ToJson(config));
        checkpoint.SetText(Progress, progress.ToJson());
        checkpoint.SetText(Classes, ClassesJson.Serialize(classes, training_counts));
        checkpoint.SetText(ModelKeys.Section, ModelKeys.Describe(model, skip));
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
}
