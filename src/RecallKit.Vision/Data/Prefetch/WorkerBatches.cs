using System.Diagnostics;

namespace RecallKit.Vision.Data.Prefetch;

/// <summary>
/// Batches prepared ahead by data worker <b>processes</b> while the model trains. Not threads: TorchSharp 0.107 frees
/// temporary Scalars in finalizers without keeping them alive across native calls, so a garbage collection triggered by another
/// thread of the training process can free a Scalar libtorch is reading (see <see cref="DatasetBatches"/>). A separate process
/// has its own heap. Each worker computes exactly what <paramref name="local"/> would (same seeds); with K workers, worker i
/// prepares batches start + i, start + i + K, … and the batches are read back in batch order, so a run is the same with and
/// without workers and whatever their number. <see cref="BatchesPerEpoch"/> comes from <paramref name="local"/>.
/// </summary>
/// <param name="local">The same batches computed in this process (for the epoch length).</param>
/// <param name="start">Starts a worker with redirected standard input and output.</param>
/// <param name="startup">
/// The line each worker reads first on its standard input, once per process: what it serves (the run's config, passed this way
/// rather than in its environment or a file).
/// </param>
/// <param name="workers">Worker processes (each writes one batch ahead, so up to this many batches are in flight).</param>
public sealed class WorkerBatches(IBatchSource local, Func<ProcessStartInfo> start, string startup, int workers = 1)
    : IFileBatchSource, IDisposable
{
    private readonly Dictionary<string, string> skipped = [];
    private readonly WorkerProcess[] pool = workers >= 1
        ? Enumerable.Range(1, workers).Select(n => new WorkerProcess(start, startup, n, workers)).ToArray()
        : throw new ArgumentOutOfRangeException(nameof(workers), workers, "at least one data worker is needed.");

    /// <summary>Files the workers skipped (<c>skip_bad_files</c>), file → reason.</summary>
    public IReadOnlyDictionary<string, string> SkippedFiles => skipped;

    /// <summary>Worker processes.</summary>
    public int Workers => pool.Length;

    /// <inheritdoc />
    public int BatchesPerEpoch => local.BatchesPerEpoch;

    /// <inheritdoc />
    public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
    {
        bool ended = false;
        try
        {
            for (int i = 0; i < pool.Length; i++) pool[i].Request(epoch, startBatch + i, pool.Length);
            for (int b = startBatch; b < BatchesPerEpoch && !cancellation.IsCancellationRequested; b++)
            {
                var batch = Next(pool[(b - startBatch) % pool.Length]);
                if (batch is null) yield break; // the worker's epoch ended early: so does this one (the others are stopped below)
                yield return batch;
            }
            if (cancellation.IsCancellationRequested) yield break;
            foreach (var worker in pool)
                if (Next(worker) is not null) throw new InvalidDataException("a data worker sent more batches than the epoch holds.");
            ended = true;
        }
        finally
        {
            // An epoch left early (end of training, cancellation, error) leaves workers mid-stream: start afresh next time.
            if (!ended)
                foreach (var worker in pool) worker.Stop();
        }
    }

    /// <summary>The worker's next batch, or null at its end record; skipped files are collected on the way, errors rethrown.</summary>
    private ImageBatch? Next(WorkerProcess worker)
    {
        while (true)
        {
            var record = worker.Read();
            switch (record.Kind)
            {
                case BatchWire.Kind.Batch:
                    return record.Batch!;
                case BatchWire.Kind.Skipped:
                    skipped[record.First!] = record.Second!;
                    break;
                case BatchWire.Kind.Error:
                    throw record.First switch
                    {
                        nameof(InvalidDataException) => new InvalidDataException(record.Second),
                        nameof(FileNotFoundException) => new FileNotFoundException(record.Second),
                        nameof(DirectoryNotFoundException) => new DirectoryNotFoundException(record.Second),
                        _ => new IOException($"data worker: {record.First}: {record.Second}"),
                    };
                default:
                    return null;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var worker in pool) worker.Dispose();
    }
}
