using RecallKit.Vision.RunFiles;

namespace RecallKit.Vision.Training.Hooks;

/// <summary>Saves the run's current state (model, loss, optimiser, config, classes) with a progress record.</summary>
public interface ICheckpointWriter
{
    /// <summary>Writes a checkpoint to <paramref name="path"/>.</summary>
    /// <exception cref="NonFiniteLossException">The model's weights are not finite (nothing is written).</exception>
    void Save(string path, TrainingProgress progress);
}
