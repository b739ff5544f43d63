using RecallKit.Vision.Configuration;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using RecallKit.Vision.Reports;

namespace RecallKit.Vision.Experiments;

/// <summary>
/// Trains every variant × seed of a comparison with identical data, order and schedule, then writes the report.
/// Finished runs are skipped and a half-finished one resumes from its checkpoint, so an interrupted comparison continues —
/// but only when each was trained with the settings the comparison now builds for it: any other difference is an error
/// listing it before anything trains, or with <c>rerun</c> those runs are deleted and trained again.
/// Under MPI every rank runs this loop (each run is data-parallel over the ranks) and rank 0 alone writes the report and
/// deletes: the skip/resume decisions agree because a run's files appear only while all ranks train it.
/// </summary>
public static class ComparisonRunner
{
    /// <summary>
    /// Runs what is missing and returns the report's Markdown: null when cancelled before the end, empty on MPI ranks other
    /// than 0 (they write no report). <c>output=DIR</c> among <paramref name="extraOverrides"/> moves the comparison
    /// (<see cref="ComparisonConfig.WithOverrides"/>).
    /// </summary>
    /// <param name="comparison">Variants, seeds, base config and output directory.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="extraOverrides">Overrides of every variant's config (command-line <c>--set</c>).</param>
    /// <param name="cancellation">Stops at the next step boundary with a checkpoint.</param>
    /// <param name="progress">Per-step status.</param>
    /// <param name="data_worker">Starts a data worker process; null loads data in this process.</param>
    /// <param name="rerun">Delete and retrain runs whose recorded settings differ, instead of refusing.</param>
    /// <param name="distributed">The ranks every run is trained on (<see cref="DistributedTensors.Start"/>); default: this process alone.</param>
    /// <exception cref="ConfigException">A run on disk was trained with other settings (and <paramref name="rerun"/> is false).</exception>
    public static string? Run(ComparisonConfig comparison, TextWriter log, IEnumerable<string>? extraOverrides = null, CancellationToken cancellation = default,
        IProgress<TrainingStatus>? progress = null, Func<TrainConfig, System.Diagnostics.ProcessStartInfo>? data_worker = null, bool rerun = false,
        IDistributed? distributed = null)
    {
        distributed ??= SingleProcess.Instance;
        bool root = distributed.Rank == 0;
        (comparison, var overrides) = comparison.WithOverrides(extraOverrides ?? []);
        var runs = (from seed in comparison.Seeds
                    from variant in comparison.Variants
                    select (Variant: variant, Seed: seed, Config: comparison.For(variant, seed, overrides), Directory: comparison.RunDirectory(variant, seed))).ToArray();
        var fingerprints = new Dictionary<string, string?>(StringComparer.Ordinal);
        string? DataFingerprint(TrainConfig config)
        {
            var key = ConfigLoader.ToJson(new TrainConfig { Data = config.Data });
            if (!fingerprints.TryGetValue(key, out var fingerprint))
                fingerprints[key] = fingerprint = VisionTasks.For(config).DataFingerprint(config);
            return fingerprint;
        }
        var conflicts = runs.Select(r => EarlierRun.Conflict($"{r.Variant.Name}/seed-{r.Seed}", r.Directory, r.Config, DataFingerprint)).OfType<EarlierRun>().ToList();
        for (int added = conflicts.Count; added > 0;) // runs that start from a retrained run's checkpoint are retrained too
        {
            var dependents = EarlierRun.Dependents(conflicts, runs.Select(r => ($"{r.Variant.Name}/seed-{r.Seed}", r.Directory, r.Config))).ToArray();
            conflicts.AddRange(dependents);
            added = dependents.Length;
        }
        // Every rank has read the run directories before rank 0 deletes any (and deleted before any trains).
        if (distributed.Size > 1) distributed.Barrier();
        if (conflicts.Count > 0)
        {
            if (!rerun) throw new ConfigException(EarlierRun.Describe(comparison.Output, conflicts));
            if (root)
                foreach (var c in conflicts)
                {
                    log.WriteLine($"[{c.Name}] trained with other settings ({string.Join("; ", c.Differences)}): deleted, training again");
                    Directory.Delete(c.Directory, recursive: true);
                }
        }
        if (distributed.Size > 1) distributed.Barrier();
        foreach (var (variant, seed, config, runDir) in runs)
        {
            if (File.Exists(Path.Combine(runDir, RunDirectory.MetricsFile)))
            {
                log.WriteLine($"[{variant.Name} seed {seed}] finished earlier, skipped");
                continue;
            }
            log.WriteLine($"[{variant.Name} seed {seed}] training → {runDir}");
            var result = Experiment.Train(config, resume: true, log, cancellation, progress, data_worker, distributed);
            if (!result.Completed) return null;
        }
        return root ? ComparisonReport.Write(comparison.Output, VisionTasks.Report, runs.Select(r => r.Directory).ToArray()) : "";
    }
}
