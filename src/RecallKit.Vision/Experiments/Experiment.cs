using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;
using RecallKit.Vision.Data.Prefetch;
using RecallKit.Vision.Distributed;

namespace RecallKit.Vision.Experiments;

/// <summary>Trains whatever a config describes: a segmentation or a classification run, chosen by <c>data.kind</c>.</summary>
public static class Experiment
{
    /// <summary>Trains (or resumes) the run described by <paramref name="config"/>.</summary>
    /// <param name="config">The run.</param>
    /// <param name="resume">Continue the run in the output directory.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellation">Stops at the next step boundary with a checkpoint.</param>
    /// <param name="progress">Per-step status.</param>
    /// <param name="data_worker">Starts a data worker process that serves <see cref="ServeTrainBatches"/>; null loads data in this process.</param>
    /// <param name="distributed">The ranks of a data-parallel run (<see cref="DistributedTensors.Start"/>); default: this process alone.</param>
    public static TrainingResult Train(TrainConfig config, bool resume, TextWriter log, CancellationToken cancellation = default,
        IProgress<TrainingStatus>? progress = null, Func<TrainConfig, ProcessStartInfo>? data_worker = null, IDistributed? distributed = null)
    {
        distributed ??= SingleProcess.Instance;
        if (config.Device == DeviceKind.Cuda && !TorchSharp.torch.cuda.is_available())
            throw new InvalidOperationException("device = cuda, but CUDA is not available in this build of libtorch (the CPU package is referenced); use device = cpu.");
        if (distributed.Size > 1)
        {
            // Rank 0 prepares the data first (generated synthetic scenes, cached class counts), so that ranks never write the same files.
            if (distributed.Rank == 0) VisionTasks.For(config).PrepareData(config, log);
            distributed.Barrier();
        }
        return VisionTasks.For(config).Train(config, resume, log, cancellation, progress, data_worker, distributed);
    }

    /// <summary>The data worker's side: serves the training batches of <paramref name="config"/> (see <see cref="WorkerBatches"/>).</summary>
    public static void ServeTrainBatches(TrainConfig config, TextReader input, Stream output, TextWriter log) =>
        VisionTasks.For(config).ServeTrainBatches(config, input, output, log);
}
