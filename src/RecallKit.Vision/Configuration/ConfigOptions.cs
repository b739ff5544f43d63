namespace RecallKit.Vision.Configuration;

/// <summary>
/// Keys that only some runs read, flattened into their section (<see cref="JsonFlattenAttribute"/>): where <see cref="IsRead"/> is
/// false, setting one of them away from its default is an error (<see cref="ConfigApplicability"/>).
/// </summary>
public abstract record ConfigOptions
{
    /// <summary>Whether <paramref name="config"/> reads these keys.</summary>
    public abstract bool IsRead(TrainConfig config);

    /// <summary>When they are read, completing "read only …", e.g. <c>with data.kind = synthetic</c>.</summary>
    public abstract string Condition();

    /// <summary>Config spellings of <paramref name="values"/> as "a, b or c".</summary>
    protected static string Alternatives<T>(IEnumerable<T> values) where T : struct, Enum
    {
        var names = values.Select(ConfigLoader.Name).ToArray();
        return names.Length <= 1 ? string.Concat(names) : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }
}
