using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>The per-class metric weighted losses (recall, precision, Dice, Jaccard, Tversky): batch or EMA statistics.</summary>
public sealed record MetricLossOptions : LossOptions
{
    /// <summary>EMA factor α in (0,1]; null for batch statistics.</summary>
    [JsonPropertyOrder(1)]
    public double? EmaAlpha { get; init; }

    /// <inheritdoc/>
    public override bool IsReadBy(LossKind kind) =>
        kind is LossKind.Recall or LossKind.Precision or LossKind.Dice or LossKind.Jaccard or LossKind.Tversky;
}
