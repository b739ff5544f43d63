using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>Logit-adjusted cross-entropy (Menon et al. 2021): cross-entropy on z + τ·log π.</summary>
public sealed record LogitAdjustmentOptions : LossOptions
{
    /// <summary>τ, the scale of the log prior added to the logits (1 in the paper).</summary>
    [JsonPropertyOrder(17), JsonPropertyName("tau")]
    public double Tau { get; init; } = 1.0;

    /// <inheritdoc/>
    public override bool IsReadBy(LossKind kind) => kind == LossKind.LogitAdjusted;
}
