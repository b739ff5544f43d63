using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Prefetch;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Training;

namespace RecallKit.Vision.Tasks;

/// <summary>
/// What both kinds of experiment do once the task is built: this rank's training batches (prefetched by a data worker when
/// configured) and validation batches, the trainer's run, then the files either skipped.
/// </summary>
internal static class RankTraining
{
    /// <summary>Trains <paramref name="task"/> and reports the skipped files on <paramref name="log"/>.</summary>
    /// <param name="config">The run.</param>
    /// <param name="task">The network, loss and evaluation.</param>
    /// <param name="train_batches">The training batches of a shard.</param>
    /// <param name="val_batches">The validation batches of a shard.</param>
    /// <param name="resume">Continue the run in the output directory.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellation">Stops at the next step boundary with a checkpoint.</param>
    /// <param name="progress">Per-step status.</param>
    /// <param name="data_worker">Starts a data worker process (see <see cref="WorkerBatches"/>); null loads data in this process.</param>
    /// <param name="distributed">The ranks of the run: this rank trains its shard of every batch.</param>
    public static TrainingResult Run(TrainConfig config, ITrainingTask task, Func<DataShard, IFileBatchSource> train_batches,
        Func<DataShard, IFileBatchSource> val_batches, bool resume, TextWriter log, CancellationToken cancellation,
        IProgress<TrainingStatus>? progress, Func<TrainConfig, ProcessStartInfo>? data_worker, IDistributed distributed)
    {
        var shard = new DataShard(distributed.Rank, distributed.Size);
        var local = train_batches(DataPrefetch.LocalShard(config, data_worker, shard));
        using var prefetch = DataPrefetch.For(config, local, data_worker, distributed.Size);
        var val = val_batches(shard);
        var result = new Trainer(config, task, (IBatchSource?)prefetch ?? local, val, log) { Progress = progress, Distributed = distributed }.Run(resume, cancellation);
        var trainSkipped = prefetch?.SkippedFiles ?? local.SkippedFiles;
        foreach (var (file, reason) in trainSkipped.Concat(val.SkippedFiles).OrderBy(p => p.Key, StringComparer.Ordinal))
            log.WriteLine($"skipped {file}: {reason}");
        if (trainSkipped.Count + val.SkippedFiles.Count > 0)
            log.WriteLine($"skipped {trainSkipped.Count} training and {val.SkippedFiles.Count} validation file(s) (data.skip_bad_files).");
        return result;
    }
}
