using System.Diagnostics;
using System.Globalization;

namespace RecallKit.Vision.Data.Prefetch;

/// <summary>
/// Batches prepared one step ahead by a data worker <b>process</b> while the model trains. Not a thread: TorchSharp 0.107 frees
/// temporary Scalars in finalizers without keeping them alive across native calls, so a garbage collection triggered by another
/// thread of the training process can free a Scalar libtorch is reading (see <see cref="DatasetBatches"/>). A separate process
/// has its own heap. The worker computes exactly what <paramref name="local"/> would (same seeds, same order), so a run is the
/// same with and without it; <see cref="BatchesPerEpoch"/> comes from <paramref name="local"/>.
/// </summary>
/// <param name="local">The same batches computed in this process (for the epoch length).</param>
/// <param name="start">Starts the worker with redirected standard input and output.</param>
public sealed class WorkerBatches(IBatchSource local, Func<ProcessStartInfo> start) : IFileBatchSource, IDisposable
{
    private readonly Dictionary<string, string> skipped = [];
    private Process? worker;
    private BinaryReader? reader;

    /// <summary>Files the worker skipped (<c>skip_bad_files</c>), file → reason.</summary>
    public IReadOnlyDictionary<string, string> SkippedFiles => skipped;

    /// <inheritdoc />
    public int BatchesPerEpoch => local.BatchesPerEpoch;

    /// <inheritdoc />
    public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
    {
        var (process, records) = Worker();
        try
        {
            process.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{epoch} {startBatch}"));
            process.StandardInput.Flush();
        }
        catch (IOException)
        {
            throw Died(process);
        }
        bool ended = false;
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                var record = Read(process, records);
                switch (record.Kind)
                {
                    case BatchWire.Kind.Batch:
                        yield return record.Batch!;
                        break;
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
                    case BatchWire.Kind.End:
                        ended = true;
                        yield break;
                }
            }
        }
        finally
        {
            // An epoch left early (end of training, cancellation, error) leaves the worker mid-stream: start afresh next time.
            if (!ended) Stop();
        }
    }

    private static BatchWire.Record Read(Process process, BinaryReader records)
    {
        try
        {
            return BatchWire.Read(records);
        }
        catch (EndOfStreamException)
        {
            throw Died(process);
        }
    }

    private static IOException Died(Process process)
    {
        process.WaitForExit(5000);
        return new IOException($"the data worker exited unexpectedly{(process.HasExited ? $" (exit code {process.ExitCode})" : "")}; its error output is above. Set data.prefetch=off to load data in the training process; the last checkpoint is intact, resume with --resume.");
    }

    private (Process, BinaryReader) Worker()
    {
        if (worker is { HasExited: false } && reader is not null) return (worker, reader);
        if (worker is { HasExited: true }) throw Died(worker); // we stop workers through Stop(), which forgets them: this one died
        Stop();
        var info = start();
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        worker = Process.Start(info) ?? throw new IOException($"cannot start the data worker ({info.FileName}).");
        reader = new BinaryReader(worker.StandardOutput.BaseStream);
        return (worker, reader);
    }

    private void Stop()
    {
        if (worker is null) return;
        try
        {
            if (!worker.HasExited) worker.Kill();
            worker.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        reader?.Dispose();
        worker.Dispose();
        worker = null;
        reader = null;
    }

    /// <inheritdoc />
    public void Dispose() => Stop();
}
