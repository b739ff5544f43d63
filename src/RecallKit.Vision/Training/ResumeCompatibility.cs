using RecallKit.Vision.Configuration;

namespace RecallKit.Vision.Training;

/// <summary>
/// Decides whether a run may be resumed with a given config: exact resumption needs the same config as the checkpoint's,
/// except for the keys in <see cref="MayChange"/>, which do not change the weights a step computes.
/// </summary>
public static class ResumeCompatibility
{
    /// <summary>
    /// Keys that may differ on resume: <c>schedule.iterations</c> extends (or shortens) a run — the poly learning rate (and
    /// LDAM's deferred re-weighting start, a fraction of it) is then recomputed for the new length from the resumed step on;
    /// <c>threads</c> and <c>device</c> keep the computation but may change floating-point summation order, so the weights then
    /// match an uninterrupted run only to rounding; the others only change cadence, where files go, or which process prepares the (identical) batches.
    /// </summary>
    public static IReadOnlySet<string> MayChange { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ConfigKey.Of(c => c.Schedule.Iterations), ConfigKey.Of(c => c.Schedule.EvalEvery), ConfigKey.Of(c => c.Schedule.LogEvery),
        ConfigKey.Of(c => c.Schedule.CheckpointEvery), ConfigKey.Of(c => c.Threads), ConfigKey.Of(c => c.Device), ConfigKey.Of(c => c.Output),
        ConfigKey.Of(c => c.Data.Prefetch), ConfigKey.Of(c => c.Data.Workers), ConfigKey.Of(c => c.Data.EvalBatchSize),
    };

    /// <summary>
    /// Keys that may differ between a finished run and a request to reuse it: those that change neither the weights nor the
    /// metrics it recorded (a different length or evaluation cadence would have given other results).
    /// </summary>
    public static IReadOnlySet<string> MayDifferWhenFinished { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ConfigKey.Of(c => c.Schedule.LogEvery), ConfigKey.Of(c => c.Schedule.CheckpointEvery), ConfigKey.Of(c => c.Threads),
        ConfigKey.Of(c => c.Device), ConfigKey.Of(c => c.Output), ConfigKey.Of(c => c.Data.Prefetch), ConfigKey.Of(c => c.Data.Workers),
        ConfigKey.Of(c => c.Data.EvalBatchSize),
    };

    /// <summary>Every key whose value differs, as <c>key: old → new</c> (values in JSON), in key order; allowed keys excluded.</summary>
    public static IReadOnlyList<string> Differences(TrainConfig saved, TrainConfig requested) => Differences(saved, requested, MayChange);

    /// <summary>Every key outside <paramref name="allowed"/> whose value differs, as <c>key: old → new</c>, in key order.</summary>
    public static IReadOnlyList<string> Differences(TrainConfig saved, TrainConfig requested, IReadOnlySet<string> allowed)
    {
        var before = ConfigApplicability.Flatten(saved);
        var after = ConfigApplicability.Flatten(requested);
        return before.Keys.Union(after.Keys).Where(k => !allowed.Contains(k)).Order(StringComparer.Ordinal)
            .Select(k => (Key: k, Old: before.GetValueOrDefault(k, "(absent)"), New: after.GetValueOrDefault(k, "(absent)")))
            .Where(d => d.Old != d.New)
            .Select(d => $"{d.Key}: {d.Old} → {d.New}")
            .ToArray();
    }

    /// <summary>Throws when <see cref="Differences(TrainConfig, TrainConfig)"/> is not empty, naming the checkpoint and listing each change.</summary>
    /// <exception cref="InvalidDataException">The config differs in a key outside <see cref="MayChange"/>.</exception>
    public static void ThrowIfIncompatible(string checkpoint, TrainConfig saved, TrainConfig requested)
    {
        var differences = Differences(saved, requested);
        if (differences.Count > 0)
            throw new InvalidDataException(
                $"cannot resume {checkpoint}: the config differs from the one the run was trained with, which would break exact resumption:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", differences) + Environment.NewLine +
                $"Only {string.Join(", ", MayChange.Order(StringComparer.Ordinal))} may change on resume; start a new output directory for other changes.");
    }
}
