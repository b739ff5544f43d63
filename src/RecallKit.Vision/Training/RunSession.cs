using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training.Hooks;
using TorchSharp.Modules;

namespace RecallKit.Vision.Training;

/// <summary>
/// What one call of <see cref="Trainer.Run"/> holds open: the run directory (locked by rank 0), the optimiser, the
/// checkpoint writer, where training starts, the logs and the hooks. Disposing closes them.
/// </summary>
internal sealed class RunSession(RunDirectory run, OptimizerHelper optimizer, TrainingCheckpoints checkpoints, TrainingProgress start) : IDisposable
{
    private readonly List<IDisposable> owned = [];

    public RunDirectory Run => run;

    public OptimizerHelper Optimizer => optimizer;

    public TrainingCheckpoints Checkpoints => checkpoints;

    /// <summary>Where this call starts: step, best metric, whether an interrupted evaluation is pending.</summary>
    public TrainingProgress Start => start;

    public TrainingHooks Hooks { get; set; } = new([]);

    /// <summary>The non-finite loss check (every rank has one).</summary>
    public NonFiniteCheck NonFinite { get; set; } = null!;

    /// <summary>Rank 0's best-checkpoint hook; null on the other ranks.</summary>
    public BestCheckpointHook? Best { get; set; }

    /// <summary>Closes <paramref name="resource"/> with the session.</summary>
    public T Own<T>(T resource) where T : IDisposable
    {
        owned.Add(resource);
        return resource;
    }

    public void Dispose()
    {
        for (int i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
        optimizer.Dispose();
        run.Dispose();
    }
}
