using System.Text.Json.Serialization;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Configuration;

/// <summary>The generator of the built-in synthetic driving scenes.</summary>
public sealed record SyntheticDataOptions : DataOptions
{
    /// <summary>Training scenes to generate.</summary>
    [JsonPropertyOrder(14), JsonPropertyName("synthetic_train")]
    public int Train { get; init; } = 300;

    /// <summary>Validation scenes to generate.</summary>
    [JsonPropertyOrder(15), JsonPropertyName("synthetic_val")]
    public int Val { get; init; } = 60;

    /// <summary>Generator seed (independent of the training seed).</summary>
    [JsonPropertyOrder(17), JsonPropertyName("synthetic_seed")]
    public int Seed { get; init; } = 7;

    /// <summary>Probability that a pedestrian, bicycle or sign is painted in its background's colour (0 = the built-in scenes;
    /// 0.9 = rare classes told apart from their neighbours almost only by shape).</summary>
    [JsonPropertyOrder(18), JsonPropertyName("synthetic_confusability")]
    public double Confusability { get; init; }

    /// <inheritdoc/>
    public override bool IsReadBy(DatasetKind kind) => kind == DatasetKind.Synthetic;
}
