using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>Seesaw loss (Wang et al. 2021): the exponents of its mitigation and compensation factors.</summary>
public sealed record SeesawOptions : LossOptions
{
    /// <summary>Mitigation exponent p ≥ 0 (0 switches the factor off).</summary>
    [JsonPropertyOrder(18), JsonPropertyName("seesaw_p")]
    public double P { get; init; } = 0.8;

    /// <summary>Compensation exponent q ≥ 0 (0 switches the factor off).</summary>
    [JsonPropertyOrder(19), JsonPropertyName("seesaw_q")]
    public double Q { get; init; } = 2.0;

    /// <inheritdoc/>
    public override bool IsReadBy(LossKind kind) => kind == LossKind.Seesaw;
}
