using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>LDAM margins and its deferred re-weighting (Cao et al. 2019).</summary>
public sealed record LdamOptions : LossOptions
{
    /// <summary>Largest margin (of the rarest class).</summary>
    [JsonPropertyOrder(5), JsonPropertyName("ldam_max_margin")]
    public double MaxMargin { get; init; } = 0.5;

    /// <summary>Logit scale s.</summary>
    [JsonPropertyOrder(6), JsonPropertyName("ldam_scale")]
    public double Scale { get; init; } = 30;

    /// <summary>Fraction of the iterations after which class-balanced weights (β = 0.9999) switch on (deferred re-weighting); 1 = never.</summary>
    [JsonPropertyOrder(8)]
    public double DrwStart { get; init; } = 0.8;

    /// <inheritdoc/>
    public override bool IsReadBy(LossKind kind) => kind == LossKind.Ldam;
}
