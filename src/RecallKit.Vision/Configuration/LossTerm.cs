using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>
/// One term of <c>loss.terms</c> (mmsegmentation's <c>loss_decode</c> list): a loss kind, its factor in the total and its own
/// hyper-parameters, under the same key names as in the <c>loss</c> section (e.g. <c>{"kind": "focal", "weight": 2, "gamma": 1}</c>).
/// A key the term's kind does not read is an error naming the term (<see cref="LossOptions.IsReadBy(LossTerm)"/>).
/// </summary>
public sealed record LossTerm : LossHyperParameters
{
    /// <summary>Which loss (required in a config).</summary>
    [JsonPropertyOrder(0)]
    public LossKind Kind { get; init; } = LossKind.CrossEntropy;

    /// <summary>Factor of this term in the total, a finite number &gt; 0.</summary>
    [JsonPropertyOrder(0)]
    public double Weight { get; init; } = 1;

    /// <summary>The term's option records (each says which kinds read it), in declaration order.</summary>
    [JsonIgnore]
    public IEnumerable<LossOptions> Options => [Metric, Focal, ClassBalanced, Ohem, Ldam, Tversky, LogitAdjustment, Seesaw, RecallBlend];

    /// <summary>
    /// The term <c>loss.kind</c> (or <c>loss.plus_kind</c>) stands for: <paramref name="kind"/> with the section's own options.
    /// </summary>
    public static LossTerm Of(LossConfig config, LossKind kind, double weight) => new()
    {
        Kind = kind,
        Weight = weight,
        Metric = config.Metric,
        Focal = config.Focal,
        ClassBalanced = config.ClassBalanced,
        Ohem = config.Ohem,
        Ldam = config.Ldam,
        Tversky = config.Tversky,
        LogitAdjustment = config.LogitAdjustment,
        Seesaw = config.Seesaw,
        RecallBlend = config.RecallBlend,
    };
}
