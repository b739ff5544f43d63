using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Prefetch;

namespace RecallKit.Vision.Tasks;

/// <summary>Whether and how a run's training batches are prepared by a data worker process (<see cref="WorkerBatches"/>).</summary>
public static class DataPrefetch
{
    /// <summary>
    /// <c>data.workers</c> worker processes for <paramref name="config"/>'s training batches, or null when prefetching is off or
    /// no launcher is given. <paramref name="ranks"/>: the processes of a data-parallel run (each runs its own worker). Each worker
    /// is sent the config once, as the first line of its standard input (<see cref="Startup"/>).
    /// </summary>
    public static WorkerBatches? For(TrainConfig config, IBatchSource local, Func<TrainConfig, ProcessStartInfo>? launcher, int ranks = 1) =>
        launcher is not null && Enabled(config, ranks)
            ? new WorkerBatches(local, () => launcher(config), Startup(config), config.Data.Workers)
            : null;

    /// <summary>What a data worker for <paramref name="config"/> reads first on its standard input: the config as one JSON line.</summary>
    public static string Startup(TrainConfig config) => ConfigLoader.ToJsonLine(config);

    /// <summary>The config a data worker reads from its start-up line (<see cref="Startup"/>); null when the input ended first.</summary>
    /// <exception cref="ConfigException">The line is not a config.</exception>
    public static TrainConfig? ReadStartup(TextReader input) => input.ReadLine() is { } line ? ConfigLoader.FromJson(line) : null;

    /// <summary>
    /// Whether <c>data.prefetch</c> asks for a worker. <c>auto</c>: with CUDA, or when libtorch is limited to fewer threads than
    /// there are cores (counting the threads of all <paramref name="ranks"/> MPI ranks) — on a CPU whose cores libtorch already uses, the worker only competes with it (measured on 2 cores:
    /// LiteSeg 83 images/s with the worker, 100 without).
    /// </summary>
    public static bool Enabled(TrainConfig config, int ranks = 1) => config.Data.Prefetch switch
    {
        PrefetchMode.On => true,
        PrefetchMode.Off => false,
        _ => config.Device == DeviceKind.Cuda
             || (config.Threads > 0 && config.Threads * ranks < Environment.ProcessorCount),
    };

    /// <summary>
    /// The part of the training data the in-process source loads: <paramref name="shard"/>, or every image of the batch when a
    /// worker prefetches (it serves whole batches; the trainer then keeps this rank's slice).
    /// </summary>
    public static DataShard LocalShard(TrainConfig config, Func<TrainConfig, ProcessStartInfo>? launcher, DataShard shard) =>
        launcher is not null && Enabled(config, Math.Max(1, shard.Ranks)) ? DataShard.Whole : shard;
}
