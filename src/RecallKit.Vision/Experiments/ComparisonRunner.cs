using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;
using RecallKit.Vision.Reports;

namespace RecallKit.Vision.Experiments;

/// <summary>
/// Trains every variant × seed of a comparison with identical data, order and schedule, then writes the report.
/// Finished runs are skipped and a half-finished one resumes from its checkpoint, so an interrupted comparison continues.
/// Under MPI every rank runs this loop (each run is data-parallel over the ranks) and rank 0 alone writes the report: the
/// skip/resume decisions agree because a run's files appear only while all ranks train it.
/// </summary>
public static class ComparisonRunner
{
    /// <summary>
    /// Runs what is missing and returns the report's Markdown: null when cancelled before the end, empty on MPI ranks other
    /// than 0 (they write no report).
    /// </summary>
    public static string? Run(ComparisonConfig comparison, TextWriter log, IEnumerable<string>? extraOverrides = null, CancellationToken cancellation = default,
        IProgress<TrainingStatus>? progress = null, Func<TrainConfig, System.Diagnostics.ProcessStartInfo>? data_worker = null)
    {
        bool root = RecallKit.Vision.Distributed.DistributedTensors.Current.Rank == 0;
        var overrides = extraOverrides?.ToArray() ?? [];
        foreach (var seed in comparison.Seeds)
            foreach (var variant in comparison.Variants)
            {
                var config = comparison.For(variant, seed, overrides);
                var runDir = comparison.RunDirectory(variant, seed);
                if (File.Exists(Path.Combine(runDir, "metrics.json")))
                {
                    log.WriteLine($"[{variant.Name} seed {seed}] finished earlier, skipped");
                    continue;
                }
                log.WriteLine($"[{variant.Name} seed {seed}] training → {runDir}");
                var result = Experiment.Train(config, resume: true, log, cancellation, progress, data_worker);
                if (!result.Completed) return null;
            }
        return root ? ComparisonReport.Write(comparison.Output) : "";
    }
}
