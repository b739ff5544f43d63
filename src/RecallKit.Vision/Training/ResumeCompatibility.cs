using System.Reflection;
using RecallKit.Vision.Configuration;

namespace RecallKit.Vision.Training;

/// <summary>
/// Decides whether a run may be resumed with a given config: exact resumption needs the same config as the checkpoint's,
/// except for the keys in <see cref="MayChange"/>, which do not change the weights a step computes.
/// </summary>
public static class ResumeCompatibility
{
    /// <summary>
    /// Keys that may differ on resume: those marked <see cref="MayChangeOnResumeAttribute"/>, e.g. <c>schedule.iterations</c>
    /// (the learning rate is recomputed for the new length), <c>threads</c> (the same weights up to rounding), <c>output</c>.
    /// </summary>
    public static IReadOnlySet<string> MayChange { get; } = Marked(_ => true);

    /// <summary>
    /// Keys that may differ between a finished run and a request to reuse it: those that change neither the weights nor the
    /// metrics it recorded (a different length or evaluation cadence would have given other results).
    /// </summary>
    public static IReadOnlySet<string> MayDifferWhenFinished { get; } = Marked(a => !a.ChangesRecordedResults);

    private static HashSet<string> Marked(Func<MayChangeOnResumeAttribute, bool> which) =>
        ConfigKey.All.Where(k => k.Property.GetCustomAttribute<MayChangeOnResumeAttribute>() is { } a && which(a))
            .Select(k => k.Key).ToHashSet(StringComparer.Ordinal);

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
