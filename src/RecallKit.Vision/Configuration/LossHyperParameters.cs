using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>
/// The losses' hyper-parameters, one option record per loss family: the <c>loss</c> section's (read by its shorthand
/// <c>kind</c> / <c>plus_kind</c>) and each <c>loss.terms</c> entry's, under the same keys.
/// </summary>
public abstract record LossHyperParameters
{
    /// <summary>Recall, precision, Dice, Jaccard, Tversky.</summary>
    [JsonFlatten]
    public MetricLossOptions Metric { get; init; } = new();

    /// <summary>Focal loss.</summary>
    [JsonFlatten]
    public FocalOptions Focal { get; init; } = new();

    /// <summary>Class-balanced cross-entropy (and, in the loss section, the SDN's head h).</summary>
    [JsonFlatten]
    public ClassBalancedOptions ClassBalanced { get; init; } = new();

    /// <summary>OHEM cross-entropy.</summary>
    [JsonFlatten]
    public OhemOptions Ohem { get; init; } = new();

    /// <summary>LDAM with deferred re-weighting.</summary>
    [JsonFlatten]
    public LdamOptions Ldam { get; init; } = new();

    /// <summary>Tversky-weighted cross-entropy.</summary>
    [JsonFlatten]
    public TverskyOptions Tversky { get; init; } = new();

    /// <summary>Logit-adjusted cross-entropy.</summary>
    [JsonFlatten]
    public LogitAdjustmentOptions LogitAdjustment { get; init; } = new();

    /// <summary>Seesaw loss.</summary>
    [JsonFlatten]
    public SeesawOptions Seesaw { get; init; } = new();

    /// <summary>Recall weights blended with fixed ones.</summary>
    [JsonFlatten]
    public RecallBlendOptions RecallBlend { get; init; } = new();
}
