using RecallKit.Vision.Configuration;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;

namespace RecallKit.Vision.Experiments;

/// <summary>
/// A run a comparison finds already in its output directory whose recorded config differs from the one the comparison now
/// builds for it: reusing it (a finished run) or resuming it (a stopped one) would report results of other settings.
/// </summary>
/// <param name="Name">The run as <c>variant/seed-k</c>.</param>
/// <param name="Directory">The run directory.</param>
/// <param name="Finished">Whether it had finished (metrics.json) or stopped at a checkpoint.</param>
/// <param name="Differences">Each differing key as <c>key: old → new</c>.</param>
public sealed record EarlierRun(string Name, string Directory, bool Finished, IReadOnlyList<string> Differences)
{
    /// <summary>
    /// The conflict between the run in <paramref name="directory"/> and <paramref name="requested"/>, or null when there is
    /// nothing to reuse or it was trained with the same settings. Finished or stopped, a run may differ only in keys that
    /// change neither weights nor metrics (<see cref="ResumeCompatibility.MayDifferWhenFinished"/>): a stopped run resumed
    /// with another length would have trained its first part on another schedule than the comparison's fresh runs. A run that
    /// starts from another run's checkpoint (<c>model.init_from</c>) conflicts when that checkpoint was rewritten after it began.
    /// </summary>
    /// <param name="name">The run as <c>variant/seed-k</c>.</param>
    /// <param name="directory">Its directory.</param>
    /// <param name="requested">The config the comparison builds for it.</param>
    /// <param name="dataFingerprint">The data_fingerprint.txt text <paramref name="requested"/>'s splits have now (null: not checked).</param>
    public static EarlierRun? Conflict(string name, string directory, TrainConfig requested, Func<TrainConfig, string?>? dataFingerprint = null)
    {
        var run = new RunDirectory(directory);
        bool finished = File.Exists(run.Metrics);
        if (!finished && !File.Exists(run.LastCheckpoint)) return null;
        var saved = SavedConfig(run);
        if (saved is null)
            return new EarlierRun(name, run.Root, finished, [$"{run.Config} is missing: the settings it was trained with are unknown"]);
        // τ-normalisation and logit adjustment record the τ their sweep chose; a request that leaves τ to the sweep asks for the same run.
        if (requested.Model.Stage is (TrainingStage.TauNorm or TrainingStage.LogitAdjust) && requested.Model.Tau is null)
            saved = saved with { Model = saved.Model with { Tau = null } };
        var differences = ResumeCompatibility.Differences(saved, requested, ResumeCompatibility.MayDifferWhenFinished).ToList();
        if (requested.Model.InitFrom is { } start && File.Exists(start) && File.Exists(run.Config)
            && File.GetLastWriteTimeUtc(start) > File.GetLastWriteTimeUtc(run.Config))
            differences.Add($"model.init_from: {start} was written after this run started (it would come from an older checkpoint)");
        if (differences.Count == 0 && dataFingerprint is not null && File.Exists(run.DataFingerprint) && dataFingerprint(requested) is { } now
            && File.ReadAllText(run.DataFingerprint) != now)
            differences.Add($"data: label files under {requested.Data.Root} (names, sizes or modification times) or their description changed since this run was trained");
        return differences.Count == 0 ? null : new EarlierRun(name, run.Root, finished, differences);
    }

    /// <summary>The runs of <paramref name="all"/> that start from a checkpoint inside one of <paramref name="conflicts"/>' directories.</summary>
    public static IEnumerable<EarlierRun> Dependents(IReadOnlyList<EarlierRun> conflicts, IEnumerable<(string Name, string Directory, TrainConfig Config)> all)
    {
        var retrained = conflicts.Select(c => Path.GetFullPath(c.Directory) + Path.DirectorySeparatorChar).ToArray();
        foreach (var (name, directory, config) in all)
        {
            if (config.Model.InitFrom is not { } start || conflicts.Any(c => Path.GetFullPath(c.Directory) == Path.GetFullPath(directory))) continue;
            var from = retrained.FirstOrDefault(r => Path.GetFullPath(start).StartsWith(r, StringComparison.Ordinal));
            var run = new RunDirectory(directory);
            if (from is not null && (File.Exists(run.Metrics) || File.Exists(run.LastCheckpoint)))
                yield return new EarlierRun(name, run.Root, File.Exists(run.Metrics), [$"model.init_from: starts from {start}, whose run is trained again"]);
        }
    }

    /// <summary>The error listing every conflicting run and what to do.</summary>
    public static string Describe(string output, IReadOnlyList<EarlierRun> conflicts)
    {
        var lines = new List<string> { $"{output} already holds runs trained with other settings than this comparison now asks for:" };
        foreach (var c in conflicts)
        {
            lines.Add($"  {c.Name} ({(c.Finished ? "finished" : "stopped at a checkpoint")}):");
            lines.AddRange(c.Differences.Select(d => $"    {d}"));
        }
        lines.Add("Their results would be reported as if trained with the new settings. Write to a new output (--set output=DIR, or " +
                  "\"output\" in the comparison file), or pass --rerun to delete these runs and train them again.");
        return string.Join(Environment.NewLine, lines);
    }

    private static TrainConfig? SavedConfig(RunDirectory run)
    {
        if (File.Exists(run.Config)) return ConfigLoader.FromJson(File.ReadAllText(run.Config));
        if (!File.Exists(run.LastCheckpoint)) return null;
        using var checkpoint = Checkpoint.Load(run.LastCheckpoint);
        return ConfigLoader.FromJson(checkpoint.GetText(RunCheckpoint.Config));
    }
}
