using RecallKit.Vision.Data;

namespace RecallKit.Vision.Configuration;

/// <summary>Settings that only some datasets read.</summary>
public abstract record DataOptions : ConfigOptions
{
    /// <summary>Whether a dataset of <paramref name="kind"/> reads these keys.</summary>
    public abstract bool IsReadBy(DatasetKind kind);

    /// <inheritdoc/>
    public override bool IsRead(TrainConfig config) => IsReadBy(config.Data.Kind);

    /// <inheritdoc/>
    public override string Condition() => $"with data.kind = {Alternatives(Enum.GetValues<DatasetKind>().Where(IsReadBy))}";
}
