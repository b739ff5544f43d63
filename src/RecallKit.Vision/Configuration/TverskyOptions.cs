using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>Tversky-weighted cross-entropy: TP/(TP+α·FP+β·FN).</summary>
public sealed record TverskyOptions : LossOptions
{
    /// <summary>Weight α ≥ 0 of the false positives.</summary>
    [JsonPropertyOrder(9), JsonPropertyName("tversky_alpha")]
    public double Alpha { get; init; } = 0.5;

    /// <summary>Weight β ≥ 0 of the false negatives.</summary>
    [JsonPropertyOrder(10), JsonPropertyName("tversky_beta")]
    public double Beta { get; init; } = 0.5;

    /// <inheritdoc/>
    public override bool IsReadBy(LossKind kind) => kind == LossKind.Tversky;
}
