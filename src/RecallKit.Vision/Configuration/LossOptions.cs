namespace RecallKit.Vision.Configuration;

/// <summary>Hyper-parameters that only some losses read (as <c>loss.kind</c> or <c>loss.plus_kind</c>).</summary>
public abstract record LossOptions : ConfigOptions
{
    /// <summary>Whether a loss of <paramref name="kind"/> reads these keys.</summary>
    public abstract bool IsReadBy(LossKind kind);

    /// <inheritdoc/>
    public override bool IsRead(TrainConfig config) => ConfigApplicability.Trains(config) && config.Loss.Kinds.Any(IsReadBy);

    /// <inheritdoc/>
    public override string Condition() => $"with loss.kind (or loss.plus_kind) = {Alternatives(Enum.GetValues<LossKind>().Where(IsReadBy))}";
}
