namespace RecallKit.Vision.RunFiles;

/// <summary>
/// The output directory of a run: file names, a write check before training starts, and a lock so that two trainings
/// cannot write into the same directory.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    private FileStream? lockStream;

    /// <param name="path">The run's output directory (created when missing).</param>
    public RunDirectory(string path)
    {
        Root = System.IO.Path.GetFullPath(path);
    }

    /// <summary>File names of a run directory: the one place they are spelled.</summary>
    public const string LastCheckpointFile = "last.ckpt", BestCheckpointFile = "best.ckpt", TrainLogFile = "train_log.csv", EvalLogFile = "eval_log.csv",
        MetricsFile = "metrics.json", BestMetricsFile = "best_metrics.json", ConfigFile = "config.json", TensorBoardDirectory = "tensorboard",
        DataFingerprintFile = "data_fingerprint.txt", LockFile = "run.lock";

    /// <summary>Absolute path of the directory.</summary>
    public string Root { get; }

    /// <summary>The most recent complete checkpoint.</summary>
    public string LastCheckpoint => Combine(LastCheckpointFile);

    /// <summary>The checkpoint with the best validation metric.</summary>
    public string BestCheckpoint => Combine(BestCheckpointFile);

    /// <summary>Per-step training log.</summary>
    public string TrainLog => Combine(TrainLogFile);

    /// <summary>Per-evaluation log.</summary>
    public string EvalLog => Combine(EvalLogFile);

    /// <summary>Final and best metrics.</summary>
    public string Metrics => Combine(MetricsFile);

    /// <summary>The metrics of the best evaluation.</summary>
    public string BestMetrics => Combine(BestMetricsFile);

    /// <summary>The label fingerprints of the splits the run was trained and evaluated on (segmentation).</summary>
    public string DataFingerprint => Combine(DataFingerprintFile);

    /// <summary>The resolved config of the run.</summary>
    public string Config => Combine(ConfigFile);

    /// <summary>TensorBoard event files.</summary>
    public string TensorBoard => Combine(TensorBoardDirectory);

    /// <summary>A file inside the run directory.</summary>
    public string Combine(string name) => System.IO.Path.Combine(Root, name);

    /// <summary>Creates the directory, proves it is writable and takes the run lock.</summary>
    /// <exception cref="IOException">The directory cannot be written, or another training holds the lock.</exception>
    public void Acquire()
    {
        try
        {
            Directory.CreateDirectory(Root);
            var probe = Combine($".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"output directory {Root} is not writable: {e.Message}", e);
        }
        var lockPath = Combine(LockFile);
        try
        {
            lockStream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new IOException($"another training is using {Root} (lock {lockPath} is held); use another output directory or stop that run.", e);
        }
        // Holding the lock, no other process writes here: temporary files are leftovers of a process killed mid-write.
        foreach (var stale in Directory.GetFiles(Root, "*.tmp", SearchOption.AllDirectories))
        {
            try
            {
                File.Delete(stale);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"cannot remove {stale}, left by a process that was killed while writing: {e.Message}", e);
            }
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose()
    {
        lockStream?.Dispose();
        lockStream = null;
    }
}
