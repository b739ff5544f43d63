using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>Online hard example mining cross-entropy: which positions are kept.</summary>
public sealed record OhemOptions : LossOptions
{
    /// <summary>Fraction of valid positions kept, in (0,1].</summary>
    [JsonPropertyOrder(4)]
    public double Keep { get; init; } = 0.7;

    /// <summary>Also keep every position whose target probability is below this threshold (null: by <see cref="Keep"/> only).</summary>
    [JsonPropertyOrder(11), JsonPropertyName("ohem_threshold")]
    public double? Threshold { get; init; }

    /// <summary>Keep at least this many positions.</summary>
    [JsonPropertyOrder(12), JsonPropertyName("ohem_min_kept")]
    public long MinKept { get; init; }

    /// <inheritdoc/>
    public override bool IsReadBy(LossKind kind) => kind == LossKind.Ohem;
}
