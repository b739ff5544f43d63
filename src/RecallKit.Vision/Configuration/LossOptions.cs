namespace RecallKit.Vision.Configuration;

/// <summary>
/// Hyper-parameters that only some losses read: as keys of the <c>loss</c> section (for <c>loss.kind</c> and
/// <c>loss.plus_kind</c>), or of one term of <c>loss.terms</c> (for that term's kind).
/// </summary>
public abstract record LossOptions : ConfigOptions
{
    /// <summary>Whether a loss of <paramref name="kind"/> reads these keys.</summary>
    public abstract bool IsReadBy(LossKind kind);

    /// <summary>Whether <paramref name="term"/> reads these keys (its kind, and for some keys its other settings).</summary>
    public virtual bool IsReadBy(LossTerm term) => IsReadBy(term.Kind);

    /// <summary>
    /// The section's keys are read by the shorthand <c>kind</c> / <c>plus_kind</c>; with <c>loss.terms</c> each term has its own.
    /// </summary>
    public override bool IsRead(TrainConfig config) =>
        ConfigApplicability.Trains(config) && config.Loss.Terms is null && config.Loss.TrainedTerms.Any(IsReadBy);

    /// <inheritdoc/>
    public override string Condition() => $"with loss.kind (or loss.plus_kind) = {Alternatives(ReadingKinds())}";

    /// <summary>When a term reads these keys, completing "read only …", e.g. <c>with the term's kind = focal</c>.</summary>
    public virtual string TermCondition() => $"with the term's kind = {Alternatives(ReadingKinds())}";

    private IEnumerable<LossKind> ReadingKinds() => Enum.GetValues<LossKind>().Where(IsReadBy);
}
