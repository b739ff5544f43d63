using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>Focal loss.</summary>
public sealed record FocalOptions : LossOptions
{
    /// <summary>Focusing parameter γ ≥ 0.</summary>
    [JsonPropertyOrder(2)]
    public double Gamma { get; init; } = 2.0;

    /// <summary>Per-class α weights (one per class), or null for none.</summary>
    [JsonPropertyOrder(13), JsonPropertyName("focal_alpha")]
    public double[]? Alpha { get; init; }

    /// <inheritdoc/>
    public override bool IsReadBy(LossKind kind) => kind == LossKind.Focal;
}
