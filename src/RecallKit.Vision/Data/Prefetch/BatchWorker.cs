using System.Globalization;

namespace RecallKit.Vision.Data.Prefetch;

/// <summary>
/// The worker side of <see cref="WorkerBatches"/>: reads requests <c>epoch startBatch [stride]</c> (one per line) and writes
/// that epoch's batches startBatch, startBatch + stride, … (stride 1 when absent), then the files skipped so far and an end
/// record. Writing blocks while the pipe is full, so the worker prepares exactly one batch ahead of the trainer.
/// </summary>
public static class BatchWorker
{
    /// <summary>Serves <paramref name="source"/> until <paramref name="input"/> ends.</summary>
    /// <param name="source">The batches to serve.</param>
    /// <param name="input">Requests.</param>
    /// <param name="output">Records.</param>
    /// <param name="skippedFiles">Files the source dropped (<c>skip_bad_files</c>), reported after each epoch.</param>
    public static void Serve(IBatchSource source, TextReader input, Stream output, Func<IReadOnlyDictionary<string, string>>? skippedFiles = null)
    {
        using var writer = new BinaryWriter(output);
        var reported = new HashSet<string>();
        void Report()
        {
            foreach (var (file, reason) in skippedFiles?.Invoke() ?? new Dictionary<string, string>())
                if (reported.Add(file)) BatchWire.WriteText(writer, BatchWire.Kind.Skipped, file, reason);
        }
        while (input.ReadLine() is { } line)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is not (2 or 3)) break;
            int epoch = int.Parse(parts[0], CultureInfo.InvariantCulture), start = int.Parse(parts[1], CultureInfo.InvariantCulture);
            int stride = parts.Length == 3 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : 1;
            if (stride < 1) break;
            try
            {
                foreach (var batch in Every(source, epoch, start, stride))
                {
                    Report(); // files skipped while preparing this batch arrive before it, even if the epoch is cut short
                    BatchWire.WriteBatch(writer, batch);
                }
            }
            catch (Exception e)
            {
                BatchWire.WriteText(writer, BatchWire.Kind.Error, e.GetType().Name, e.Message);
            }
            Report();
            BatchWire.WriteText(writer, BatchWire.Kind.End);
        }
    }

    /// <summary>Batches start, start + stride, … of the epoch (a source is resumable at any batch, so each is asked for alone).</summary>
    private static IEnumerable<ImageBatch> Every(IBatchSource source, int epoch, int start, int stride)
    {
        if (stride == 1)
        {
            foreach (var batch in source.Epoch(epoch, start, CancellationToken.None)) yield return batch;
            yield break;
        }
        for (int b = start; b < source.BatchesPerEpoch; b += stride)
            foreach (var batch in source.Epoch(epoch, b, CancellationToken.None).Take(1))
                yield return batch;
    }
}
