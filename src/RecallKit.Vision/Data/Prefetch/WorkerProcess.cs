using System.Diagnostics;
using System.Globalization;

namespace RecallKit.Vision.Data.Prefetch;

/// <summary>
/// One data worker process of <see cref="WorkerBatches"/>: started on first use and sent its start-up line, then requests
/// (<c>epoch firstBatch stride</c>), read record by record; a worker that has gone becomes an <see cref="IOException"/> that says so and how to go on.
/// </summary>
/// <param name="start">Starts the worker (standard input and output are redirected here).</param>
/// <param name="startup">The line the worker reads first on its standard input (the run's config), once per process.</param>
/// <param name="number">1-based number of this worker among <paramref name="count"/>, for messages.</param>
/// <param name="count">Workers of the run.</param>
internal sealed class WorkerProcess(Func<ProcessStartInfo> start, string startup, int number, int count) : IDisposable
{
    private Process? process;
    private BinaryReader? reader;

    /// <summary>Asks for the batches firstBatch, firstBatch + stride, … of <paramref name="epoch"/> (then an end record).</summary>
    public void Request(int epoch, int firstBatch, int stride)
    {
        var p = Running();
        try
        {
            p.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{epoch} {firstBatch} {stride}"));
            p.StandardInput.Flush();
        }
        catch (IOException)
        {
            throw Died(p);
        }
    }

    /// <summary>The next record of the current request.</summary>
    public BatchWire.Record Read()
    {
        var p = process ?? throw new InvalidOperationException("no request was sent to the data worker.");
        try
        {
            return BatchWire.Read(reader!);
        }
        catch (EndOfStreamException)
        {
            throw Died(p);
        }
    }

    private IOException Died(Process p)
    {
        p.WaitForExit(5000);
        string which = count > 1 ? $"worker {number} of {count}, " : "";
        string exit = p.HasExited ? $"exit code {p.ExitCode}" : "still running";
        return new IOException($"the data worker exited unexpectedly ({which}{exit}); its error output is above. Set data.prefetch=off to load data in the training process; the last checkpoint is intact, resume with --resume.");
    }

    private Process Running()
    {
        if (process is { HasExited: false } && reader is not null) return process;
        if (process is { HasExited: true }) throw Died(process); // workers are stopped through Stop(), which forgets them: this one died
        Stop();
        var info = start();
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        process = Process.Start(info) ?? throw new IOException($"cannot start the data worker ({info.FileName}).");
        reader = new BinaryReader(process.StandardOutput.BaseStream);
        try
        {
            process.StandardInput.WriteLine(startup);
            process.StandardInput.Flush();
        }
        catch (IOException)
        {
            throw Died(process);
        }
        return process;
    }

    /// <summary>Kills the worker (if it runs) and forgets it: the next request starts a new one.</summary>
    public void Stop()
    {
        if (process is null) return;
        try
        {
            if (!process.HasExited) process.Kill();
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        reader?.Dispose();
        process.Dispose();
        process = null;
        reader = null;
    }

    /// <inheritdoc />
    public void Dispose() => Stop();
}
